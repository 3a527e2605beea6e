using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// The graph's inputs and outputs: each declared once, each with a type whose element type is defined
/// (ONNX's checker requires both of the main graph's values), and an initializer listed as a graph input
/// (IR 3 exports list every weight so) agreeing with that declaration in element type and, where both
/// are known, in shape: ONNX Runtime refuses the model otherwise.
/// </summary>
internal static class GraphValueCheck
{
    public static void Check(GraphProto graph, string? file)
    {
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            if (!initializers.TryAdd(t.Name, t))
            {
                throw new CodesignException(ErrorCodes.DuplicateDefinition, $"initializer '{t.Name}' is defined twice", file);
            }
        }
        var inputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
        {
            if (!inputs.Add(input.Name))
            {
                throw new CodesignException(ErrorCodes.DuplicateDefinition, $"graph input '{input.Name}' is defined twice", file);
            }
            CheckType(input, "graph input", file);
            if (initializers.TryGetValue(input.Name, out var init)) CheckAgreement(input, init, file);
        }
        foreach (var output in graph.Output) CheckType(output, "graph output", file);
    }

    private static void CheckType(ValueInfoProto value, string role, string? file)
    {
        var type = value.Type;
        if (type is null || type.ValueCase == TypeProto.ValueOneofCase.None)
        {
            throw new CodesignException(ErrorCodes.ValueTypeMissing, $"{role} '{value.Name}' declares no type", file);
        }
        if (type.ValueCase != TypeProto.ValueOneofCase.TensorType) return;
        var elem = type.TensorType.ElemType;
        if (elem == ElementType.Undefined)
        {
            throw new CodesignException(ErrorCodes.ValueTypeMissing, $"{role} '{value.Name}' has element type 0 (UNDEFINED)", file);
        }
        if (elem is < 1 or > 23)
        {
            throw new CodesignException(ErrorCodes.ValueTypeMissing, $"{role} '{value.Name}' has element type {elem}, which ONNX does not define", file);
        }
    }

    private static void CheckAgreement(ValueInfoProto input, TensorProto init, string? file)
    {
        if (input.Type.ValueCase != TypeProto.ValueOneofCase.TensorType) return;
        var declared = input.Type.TensorType;
        if (declared.ElemType != init.DataType)
        {
            throw new CodesignException(ErrorCodes.TypeMismatch,
                $"initializer '{init.Name}' is {ElementType.Name(init.DataType)} but the graph input of that name is declared {ElementType.Name(declared.ElemType)}", file);
        }
        if (declared.Shape is null) return;
        var dims = declared.Shape.Dim;
        var differs = dims.Count != init.Dims.Count
            || dims.Where((d, i) => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue != init.Dims[i]).Any();
        if (differs)
        {
            var text = "[" + string.Join(",", dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString() : d.DimParam.Length > 0 ? d.DimParam : "?")) + "]";
            throw new CodesignException(ErrorCodes.DeclaredShapeMismatch,
                $"initializer '{init.Name}' has dims [{string.Join(",", init.Dims)}] but the graph input of that name is declared {text}", file);
        }
    }
}
