using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>What is known of a tensor before any inference: its element type and dims (−1 where unknown).</summary>
internal sealed record StaticType(int ElemType, long[]? Dims);

/// <summary>
/// The types the model states outright: initializers, Constant nodes' values and the declared graph inputs.
/// The node checks use only these, so they hold whatever shape inference later makes of the rest.
/// </summary>
internal static class StaticTypes
{
    public static IReadOnlyDictionary<string, StaticType> Of(GraphProto graph)
    {
        var known = new Dictionary<string, StaticType>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
        {
            if (input.Type?.TensorType is { } t) known[input.Name] = new StaticType(t.ElemType, Dims(t.Shape));
        }
        // An initializer listed as an input has agreed with the declaration (GraphValueCheck); its dims are exact.
        foreach (var init in graph.Initializer) known[init.Name] = new StaticType(init.DataType, init.Dims.ToArray());
        foreach (var node in graph.Node)
        {
            if (node.OpType != "Constant" || !OpsetCheck.IsDefault(node.Domain) || node.Output.Count == 0) continue;
            if (ConstantType(node) is { } type) known.TryAdd(node.Output[0], type);
        }
        return known;
    }

    private static long[]? Dims(TensorShapeProto? shape) =>
        shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1).ToArray();

    private static StaticType? ConstantType(NodeProto node)
    {
        if (node.Attribute.Count != 1) return null;
        var a = node.Attribute[0];
        return a.Name switch
        {
            "value" when a.T is not null => new StaticType(a.T.DataType, a.T.Dims.ToArray()),
            "value_float" => new StaticType(ElementType.Float, []),
            "value_floats" => new StaticType(ElementType.Float, [a.Floats.Count]),
            "value_int" => new StaticType(ElementType.Int64, []),
            "value_ints" => new StaticType(ElementType.Int64, [a.Ints.Count]),
            "value_string" => new StaticType(ElementType.String, []),
            "value_strings" => new StaticType(ElementType.String, [a.Strings.Count]),
            _ => null,
        };
    }
}
