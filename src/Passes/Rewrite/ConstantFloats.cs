using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>Reads the float values of a constant tensor (initializer or Constant) for a rewrite.</summary>
internal static class ConstantFloats
{
    /// <summary>The tensor's values in double precision, or null when it is not a constant float32 tensor.</summary>
    public static double[]? Read(ModelGraph graph, string? name, PassContext context)
    {
        if (name is null || graph.IsRuntimeInput(name)) return null;
        var tensor = graph.ConstantOf(name);
        if (tensor is null || tensor.DataType != ElementType.Float) return null;
        return TensorValues.AsDouble(tensor, context.Weights);
    }

    public static long[]? Dims(ModelGraph graph, string name) => graph.ConstantOf(name)?.Dims.ToArray();

    public static TensorProto Float32(string name, double[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), (float)values[i]);
        }
        var tensor = new TensorProto { Name = name, DataType = ElementType.Float, RawData = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
