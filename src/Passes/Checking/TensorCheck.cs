using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// Every stored tensor (initializers, tensor attributes, sparse parts, subgraphs), by the TensorProto rules of
/// ONNX's IR.md: a defined data_type; dims that are not negative; its values in one place only (raw_data,
/// the one typed field its type uses, or an external file — never two, so no reader picks one and ignores
/// the other); and as many typed values as the dims need. raw_data sizes are checked by TensorSizeCheck.
/// </summary>
internal static class TensorCheck
{
    /// <summary>The highest TensorProto.DataType ONNX defines up to opset 23 (FLOAT4E2M1).</summary>
    private const int LastDataType = 23;

    public static void CheckAll(ModelProto model, string? file, Func<TensorProto, bool> hasDeferredRawData)
    {
        foreach (var tensor in ModelLoader.AllTensors(model)) Check(tensor, file, hasDeferredRawData(tensor));
    }

    public static void Check(TensorProto tensor, string? file, bool hasDeferredRawData)
    {
        var name = $"tensor '{tensor.Name}'";
        var type = tensor.DataType;
        if (type is < 1 or > LastDataType)
        {
            throw new CodesignException(ErrorCodes.TensorTypeInvalid, type == 0
                ? $"{name} has data_type 0 (UNDEFINED); a stored tensor needs an element type"
                : $"{name} has data_type {type}, which ONNX does not define", file);
        }
        if (tensor.Dims.FirstOrDefault(d => d < 0) is var negative and < 0)
        {
            throw new CodesignException(ErrorCodes.TensorDimsInvalid, $"{name} has a negative dimension ({negative}) in dims {Text(tensor)}", file);
        }

        var typed = TypedFields(tensor).Where(f => f.Count > 0).ToList();
        var hasRaw = hasDeferredRawData || !tensor.RawData.IsEmpty;
        // The loader leaves large raw_data in the file behind a reference to the model file itself.
        var external = ExternalDataReference.IsExternal(tensor) && !hasDeferredRawData;
        var places = typed.Select(f => f.Field).Concat(hasRaw ? ["raw_data"] : []).Concat(external ? ["an external file"] : []).ToList();
        if (places.Count > 1)
        {
            throw new CodesignException(ErrorCodes.TensorDataConflict,
                $"{name} holds its values in {string.Join(" and ", places)}; a tensor keeps its values in one place only", file);
        }
        if (!ExternalDataReference.IsExternal(tensor) && tensor.ExternalData.Count > 0)
        {
            throw new CodesignException(ErrorCodes.TensorDataConflict,
                $"{name} has external_data entries but its data_location is not EXTERNAL, so they would be ignored", file);
        }
        if (hasRaw && type == ElementType.String)
        {
            throw new CodesignException(ErrorCodes.TensorDataConflict, $"{name} is a string tensor with raw_data; strings are stored in string_data", file);
        }
        if (typed.Count == 1 && typed[0].Field != FieldFor(type))
        {
            throw new CodesignException(ErrorCodes.TensorDataConflict,
                $"{name} is {ElementType.Name(type)} but holds its values in {typed[0].Field}; that type is stored in {FieldFor(type)}", file);
        }
        var needed = TypedValuesNeeded(tensor);
        var held = typed.Count == 1 ? typed[0].Count : 0;
        var holdsTypedOnly = typed.Count == 1 || (!hasRaw && !external && type == ElementType.String);
        if (holdsTypedOnly && held != needed)
        {
            throw new CodesignException(ErrorCodes.TensorDataSize,
                $"{name} holds {held} values in {FieldFor(type)} but its dims {Text(tensor)} need {needed}", file);
        }
    }

    private static IEnumerable<(string Field, int Count)> TypedFields(TensorProto t) =>
    [
        ("float_data", t.FloatData.Count), ("int32_data", t.Int32Data.Count), ("string_data", t.StringData.Count),
        ("int64_data", t.Int64Data.Count), ("double_data", t.DoubleData.Count), ("uint64_data", t.Uint64Data.Count),
    ];

    /// <summary>The typed field each element type is stored in (onnx.proto's comments on each field).</summary>
    private static string FieldFor(int type) => type switch
    {
        ElementType.Float or 14 => "float_data", // 14: COMPLEX64, two floats per element
        ElementType.String => "string_data",
        ElementType.Int64 => "int64_data",
        ElementType.Double or 15 => "double_data", // 15: COMPLEX128
        ElementType.UInt32 or ElementType.UInt64 => "uint64_data",
        _ => "int32_data", // int32 and narrower integers, bool, the 16-, 8- and 4-bit float types
    };

    /// <summary>Complex types take two values per element; 4-bit types pack two elements per int32.</summary>
    private static long TypedValuesNeeded(TensorProto t)
    {
        var n = TensorValues.ElementCount(t);
        if (n == long.MaxValue) return n;
        return t.DataType switch
        {
            14 or 15 => n > long.MaxValue / 2 ? long.MaxValue : n * 2,
            21 or 22 or 23 => (n + 1) / 2,
            _ => n,
        };
    }

    private static string Text(TensorProto t) => "[" + string.Join(",", t.Dims) + "]";
}
