using System.Text.Json;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>analyze's JSON: model totals, unknown operators, warnings, the per-operator summary and every node.</summary>
public static class AnalyzeJson
{
    public static string Write(ModelAnalysis a) => JsonText.Write(w =>
    {
        var cost = a.Cost;
        w.WriteStartObject();
        w.WriteString("model", a.DisplayName);
        w.WriteNumber("irVersion", a.Graph.Model.IrVersion);
        w.WriteNumber("opset", a.Graph.Opset);
        WriteValues(w, "inputs", a.Graph.Inputs.Select(i => i.Name), a);
        WriteValues(w, "outputs", a.Graph.Outputs.Select(o => o.Name), a);
        w.WriteNumber("flops", cost.Flops);
        w.WriteNumber("macs", cost.Macs);
        w.WriteNumber("bytes", cost.Bytes);
        w.Real("intensity", cost.Intensity);
        w.Real("paperIntensity", cost.PaperIntensity);
        w.WriteNumber("weightBytes", cost.WeightBytes);
        w.WriteNumber("activationBytes", cost.ActivationBytes);
        w.WriteNumber("parameters", cost.Parameters);
        w.WriteBoolean("costComplete", !cost.IsPartial);
        w.WriteStartArray("unknownOps");
        foreach (var n in cost.UnknownNodes)
        {
            w.WriteStartObject();
            w.WriteString("name", n.Node);
            w.WriteString("op", n.OpType);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("warnings");
        foreach (var d in a.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("code", d.Code);
            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("operators");
        foreach (var s in cost.Operators)
        {
            w.WriteStartObject();
            w.WriteString("op", s.OpType);
            w.WriteNumber("count", s.Count);
            w.WriteNumber("flops", s.Flops);
            w.WriteNumber("bytes", s.Bytes);
            w.WriteNumber("unknown", s.UnknownCount);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("nodes");
        foreach (var n in cost.Nodes)
        {
            w.WriteStartObject();
            w.WriteString("name", n.Node);
            w.WriteString("op", n.OpType);
            w.Strings("outputs", n.Outputs);
            w.Strings("shapes", n.Shapes);
            w.Long("flops", n.Flops);
            w.Long("macs", n.Macs);
            w.WriteNumber("bytesRead", n.BytesRead);
            w.WriteNumber("bytesWritten", n.BytesWritten);
            w.WriteNumber("bytes", n.Bytes);
            w.Real("intensity", n.Intensity);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteValues(Utf8JsonWriter w, string name, IEnumerable<string> tensors, ModelAnalysis a)
    {
        w.WriteStartArray(name);
        foreach (var t in tensors)
        {
            var info = a.Shapes.TypeOf(t);
            w.WriteStartObject();
            w.WriteString("name", t);
            w.WriteString("type", info is null ? "?" : ElementType.Name(info.ElemType));
            w.WriteString("shape", info?.ShapeText ?? "?");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
