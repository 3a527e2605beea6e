using Onnx;

namespace OnnxCoDesign.Passes.IR;

/// <summary>ONNX element types (TensorProto.DataType) and their sizes in bytes.</summary>
public static class ElementType
{
    public const int Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7,
        String = 8, Bool = 9, Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, BFloat16 = 16;

    /// <summary>Bytes per element; 0 for types without a fixed size (string, undefined).</summary>
    public static int SizeOf(int type) => type switch
    {
        Float or Int32 or UInt32 => 4,
        UInt8 or Int8 or Bool => 1,
        UInt16 or Int16 or Float16 or BFloat16 => 2,
        Int64 or Double or UInt64 => 8,
        // float8 variants (17..20) and 4-bit types are packed below a byte; count them as one byte.
        >= 17 and <= 20 => 1,
        21 or 22 or 23 => 1,
        _ => 0,
    };

    public static bool IsInteger(int type) => type is UInt8 or Int8 or UInt16 or Int16 or Int32 or Int64 or UInt32 or UInt64 or Bool;

    public static bool IsFloat(int type) => type is Float or Float16 or Double or BFloat16;

    public static string Name(int type) => Enum.IsDefined(typeof(TensorProto.Types.DataType), type)
        ? ((TensorProto.Types.DataType)type).ToString().ToLowerInvariant()
        : $"type{type}";
}
