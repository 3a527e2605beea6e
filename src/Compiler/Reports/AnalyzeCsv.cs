using System.Globalization;
using System.Text;
using OnnxCoDesign.Compiler.Pipeline;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>analyze's per-node table as CSV (RFC 4180 quoting); an unknown cost is an empty cell, not 0; `kernel` names the TensorRT kernel (its anchor node) the node runs in.</summary>
public static class AnalyzeCsv
{
    public static string Write(ModelAnalysis a)
    {
        var sb = new StringBuilder("name,op,outputs,shapes,flops,macs,bytes_read,bytes_written,bytes,intensity,kernel\n");
        var kernels = a.Kernels;
        foreach (var n in a.Cost.Nodes)
        {
            sb.Append(Field(n.Node)).Append(',').Append(Field(n.OpType)).Append(',')
              .Append(Field(string.Join(" ", n.Outputs))).Append(',').Append(Field(string.Join(" ", n.Shapes))).Append(',')
              .Append(n.Flops?.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(n.Macs?.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(n.BytesRead.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(n.BytesWritten.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(n.Bytes.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(n.Intensity is { } i ? Math.Round(i, 4).ToString(CultureInfo.InvariantCulture) : "").Append(',')
              .Append(Field(kernels.Of(n.Node).Name))
              .Append('\n');
        }
        return sb.ToString();
    }

    private static string Field(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
