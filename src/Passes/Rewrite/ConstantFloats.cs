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

    public static TensorProto Float32(string name, double[] values, params long[] dims) =>
        Float32(name, Array.ConvertAll(values, v => (float)v), dims);

    public static TensorProto Float32(string name, float[] values, params long[] dims) =>
        Float32(name, dims, span => values.CopyTo(span));

    /// <summary>
    /// A float32 initializer whose values <paramref name="fill"/> writes straight into the bytes the tensor
    /// keeps (raw_data is little-endian, as every platform .NET runs on), so no second copy is made.
    /// </summary>
    public static TensorProto Float32(string name, long[] dims, SpanAction fill)
    {
        var count = checked((int)dims.Aggregate(1L, (a, d) => a * d));
        var bytes = new byte[count * 4];
        fill(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan()));
        var tensor = new TensorProto { Name = name, DataType = ElementType.Float, RawData = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>
    /// A float32 initializer left to <paramref name="store"/> to compute whenever it is read or saved; with
    /// <paramref name="range"/>, a run of its values can be computed alone.
    /// </summary>
    public static TensorProto Deferred(string name, long[] dims, SpanAction fill, ExternalDataStore store, RangeAction? range = null)
    {
        var count = checked((int)dims.Aggregate(1L, (a, d) => a * d));
        var tensor = new TensorProto { Name = name, DataType = ElementType.Float };
        tensor.Dims.AddRange(dims);
        ExternalDataStore.RangeFill? part = range is null ? null
            : (offset, bytes) => offset % 4 == 0 && bytes.Length % 4 == 0 && range(offset / 4, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes));
        store.Compute(tensor, count * 4L, bytes => fill(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes)), part);
        return tensor;
    }

    public delegate void SpanAction(Span<float> values);

    /// <summary>Writes values first.. (values.Length of them) of a tensor; false where they cannot be computed alone.</summary>
    public delegate bool RangeAction(long first, Span<float> values);
}
