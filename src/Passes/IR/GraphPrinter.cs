using System.Globalization;
using System.Text;
using Onnx;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.IR;

/// <summary>
/// A stable text printout of a graph for golden tests and for reading: one line per input, initializer,
/// node and output, nodes in topological order, attributes sorted by name, types from shape inference
/// where available. No weights, no absolute paths, LF line ends.
/// </summary>
public static class GraphPrinter
{
    public static string Print(ModelGraph graph, ShapeInferenceResult? shapes = null)
    {
        var sb = new StringBuilder();
        var domains = string.Join(", ", graph.Model.OpsetImport.OrderBy(o => o.Domain, StringComparer.Ordinal)
            .Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}"));
        sb.Append($"graph {graph.Proto.Name} (ir {graph.Model.IrVersion}; {domains})\n");
        foreach (var input in graph.Inputs) sb.Append($"  input  {input.Name}: {TypeText(input.Name, input.Type, shapes)}\n");
        foreach (var init in graph.Proto.Initializer.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            sb.Append($"  init   {init.Name}: {ElementType.Name(init.DataType)}[{string.Join(",", init.Dims)}]\n");
        }
        foreach (var node in graph.Nodes)
        {
            var ins = string.Join(", ", node.Inputs.Select(i => i.Length == 0 ? "_" : i));
            var outs = string.Join(", ", node.Outputs.Select(o => shapes?.TypeOf(o) is { } t ? $"{o}: {t}" : o));
            var domain = node.Domain.Length == 0 ? "" : node.Domain + ".";
            sb.Append($"  node   {node.Name} = {domain}{node.OpType}({ins}) -> ({outs})");
            var attrs = node.Proto.Attribute.OrderBy(a => a.Name, StringComparer.Ordinal).Select(AttributeText).ToList();
            if (attrs.Count > 0) sb.Append(" {").Append(string.Join(", ", attrs)).Append('}');
            sb.Append('\n');
        }
        foreach (var output in graph.Outputs) sb.Append($"  output {output.Name}: {TypeText(output.Name, output.Type, shapes)}\n");
        return sb.ToString();
    }

    private static string TypeText(string name, TypeProto? declared, ShapeInferenceResult? shapes)
    {
        if (shapes?.TypeOf(name) is { } inferred) return inferred.ToString();
        var tensor = declared?.TensorType;
        if (tensor is null) return "?";
        var dims = tensor.Shape is null ? "?" : "[" + string.Join(",", tensor.Shape.Dim.Select(d =>
            d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture)
            : d.DimParam.Length > 0 ? d.DimParam : "?")) + "]";
        return ElementType.Name(tensor.ElemType) + dims;
    }

    private static string AttributeText(AttributeProto a)
    {
        string value = a.Type switch
        {
            AttributeProto.Types.AttributeType.Int => a.I.ToString(CultureInfo.InvariantCulture),
            AttributeProto.Types.AttributeType.Float => a.F.ToString("R", CultureInfo.InvariantCulture),
            AttributeProto.Types.AttributeType.String => "\"" + a.S.ToStringUtf8() + "\"",
            AttributeProto.Types.AttributeType.Ints => "[" + string.Join(",", a.Ints) + "]",
            AttributeProto.Types.AttributeType.Floats => "[" + string.Join(",", a.Floats.Select(f => f.ToString("R", CultureInfo.InvariantCulture))) + "]",
            AttributeProto.Types.AttributeType.Strings => "[" + string.Join(",", a.Strings.Select(s => "\"" + s.ToStringUtf8() + "\"")) + "]",
            AttributeProto.Types.AttributeType.Tensor => $"tensor {ElementType.Name(a.T.DataType)}[{string.Join(",", a.T.Dims)}]" + SmallValues(a.T),
            AttributeProto.Types.AttributeType.Graph => $"graph({a.G.Node.Count} nodes)",
            _ => a.Type.ToString().ToLowerInvariant(),
        };
        return $"{a.Name}={value}";
    }

    private static string SmallValues(TensorProto t)
    {
        if (Loading.ExternalDataReference.IsExternal(t)) return " external";
        var value = ConstValue.FromTensor(t, null);
        if (value is null || value.Count > 8) return "";
        return " = [" + string.Join(",", value.AsReals().Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
    }
}
