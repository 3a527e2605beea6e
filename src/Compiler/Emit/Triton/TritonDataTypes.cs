using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Emit.Triton;

/// <summary>
/// ONNX element types as Triton names them: in config.pbtxt the <c>DataType</c> enum of model_config.proto
/// (github.com/triton-inference-server/common, protobuf/model_config.proto: TYPE_BOOL, TYPE_UINT8 … TYPE_FP32,
/// TYPE_STRING, TYPE_BF16), and on the wire the KServe v2 tensor data types (kserve.github.io, "Open Inference
/// Protocol", Tensor Data Types: BOOL, UINT8 … FP16, FP32, FP64, BYTES; Triton adds BF16), which Triton's
/// docs/user_guide/model_configuration.md lists side by side with the ONNX Runtime types.
/// </summary>
public static class TritonDataTypes
{
    private static readonly Dictionary<int, (string Config, string Wire)> Types = new()
    {
        [ElementType.Bool] = ("TYPE_BOOL", "BOOL"),
        [ElementType.UInt8] = ("TYPE_UINT8", "UINT8"),
        [ElementType.UInt16] = ("TYPE_UINT16", "UINT16"),
        [ElementType.UInt32] = ("TYPE_UINT32", "UINT32"),
        [ElementType.UInt64] = ("TYPE_UINT64", "UINT64"),
        [ElementType.Int8] = ("TYPE_INT8", "INT8"),
        [ElementType.Int16] = ("TYPE_INT16", "INT16"),
        [ElementType.Int32] = ("TYPE_INT32", "INT32"),
        [ElementType.Int64] = ("TYPE_INT64", "INT64"),
        [ElementType.Float16] = ("TYPE_FP16", "FP16"),
        [ElementType.Float] = ("TYPE_FP32", "FP32"),
        [ElementType.Double] = ("TYPE_FP64", "FP64"),
        [ElementType.String] = ("TYPE_STRING", "BYTES"),
        [ElementType.BFloat16] = ("TYPE_BF16", "BF16"),
    };

    /// <summary>Every DataType value a config may hold (for checks against the schema).</summary>
    public static IReadOnlyCollection<string> ConfigNames { get; } = Types.Values.Select(t => t.Config).ToHashSet();

    /// <summary>TYPE_FP32 for float; the tensor and part name the coded error for a type Triton has none for.</summary>
    public static string Config(int elemType, string tensor, string part) => Lookup(elemType, tensor, part).Config;

    /// <summary>FP32 for float: the KServe v2 datatype a request carrying the tensor states.</summary>
    public static string Wire(int elemType, string tensor, string part) => Lookup(elemType, tensor, part).Wire;

    /// <summary>The KServe v2 datatype of a TYPE_ name (TYPE_FP16 → FP16).</summary>
    public static string WireOf(string configType) => Types.Values.First(t => t.Config == configType).Wire;

    private static (string Config, string Wire) Lookup(int elemType, string tensor, string part) =>
        Types.TryGetValue(elemType, out var t)
            ? t
            : throw new CodesignException(ErrorCodes.TritonTypeUnsupported,
                $"{part}: tensor '{tensor}' is {ElementType.Name(elemType)}, which Triton's model configuration has no data type for; no Triton repository can serve it");
}
