using System.Globalization;
using System.Text;

namespace OnnxCoDesign.Compiler.Emit.Triton;

/// <summary>
/// Writes a <see cref="TritonConfig"/> as config.pbtxt: protobuf text format of Triton's ModelConfig
/// (model_config.proto), one field per line, repeated messages in [ { … } ] lists as Triton's documentation writes
/// them (docs/user_guide/model_configuration.md). Strings are double-quoted with \" \\ and control characters
/// escaped (octal), as the text format reads them. LF line ends, no paths or times: the same text for the same part.
/// </summary>
public static class TritonConfigText
{
    public static string Write(TritonConfig c, string device)
    {
        var o = new StringBuilder();
        void Line(string s) => o.Append(s).Append('\n');
        Line($"# Triton model configuration of {Comment(c.Name)} on {Comment(device)}, written by codesign-compile.");
        Line("# max_batch_size 0: the part was compiled with its batch size bound, so the batch is the first of dims");
        Line("# and Triton batches no requests itself; each request carries exactly these shapes.");
        Line($"name: {Quote(c.Name)}");
        Line($"platform: {Quote(c.Platform)}");
        Line($"backend: {Quote(c.Backend)}");
        Line($"default_model_filename: {Quote(c.DefaultModelFilename)}");
        Line(string.Create(CultureInfo.InvariantCulture, $"max_batch_size: {c.MaxBatchSize}"));
        Tensors("input", c.Inputs);
        Tensors("output", c.Outputs);
        Line("instance_group [");
        Line("  {");
        Line($"    kind: {c.InstanceKind}");
        Line("    count: 1");
        Line("  }");
        Line("]");
        return o.ToString();

        void Tensors(string field, IReadOnlyList<TritonTensor> tensors)
        {
            Line($"{field} [");
            for (var i = 0; i < tensors.Count; i++)
            {
                var t = tensors[i];
                Line("  {");
                Line($"    name: {Quote(t.Name)}");
                Line($"    data_type: {t.DataType}");
                Line($"    dims: [ {string.Join(", ", t.Dims.Select(d => d.ToString(CultureInfo.InvariantCulture)))} ]");
                Line(i < tensors.Count - 1 ? "  }," : "  }");
            }
            Line("]");
        }
    }

    /// <summary>A protobuf text-format string literal.</summary>
    public static string Quote(string s)
    {
        var o = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b == '"') o.Append("\\\"");
            else if (b == '\\') o.Append("\\\\");
            else if (b < 0x20 || b == 0x7f) o.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
            else o.Append((char)b);
        }
        // Bytes ≥ 0x80 were appended one char each: put the UTF-8 text back together.
        var latin = o.Append('"').ToString();
        return Encoding.UTF8.GetString(latin.Select(ch => (byte)ch).ToArray());
    }

    private static string Comment(string s) => new(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
