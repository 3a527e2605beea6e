using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Shapes;

/// <summary>
/// A small tensor whose values are known while compiling: shape arithmetic (Shape, Gather, Concat …),
/// and the small constants that operators read as inputs (Reshape's shape, Slice's starts, Resize's scales).
/// Integers and reals are kept apart so that int64 sentinels such as INT64_MAX survive.
/// </summary>
public sealed class ConstValue
{
    /// <summary>Tensors above this size are weights, not shape arithmetic; they are never folded.</summary>
    public const int MaxElements = 4096;

    private ConstValue(int elemType, long[] dims, long[]? ints, double[]? reals)
    {
        ElemType = elemType;
        Dims = dims;
        Ints = ints;
        Reals = reals;
    }

    public int ElemType { get; }

    public long[] Dims { get; }

    /// <summary>Values of an integer or bool tensor.</summary>
    public long[]? Ints { get; }

    /// <summary>Values of a float tensor.</summary>
    public double[]? Reals { get; }

    public int Count => Ints?.Length ?? Reals!.Length;

    public bool IsInteger => Ints is not null;

    public static ConstValue OfInts(int elemType, long[] dims, long[] values) => new(elemType, dims, values, null);

    public static ConstValue OfReals(int elemType, long[] dims, double[] values) => new(elemType, dims, null, values);

    public static ConstValue Of(int elemType, long[] dims, IEnumerable<double> values) =>
        ElementType.IsInteger(elemType)
            ? OfInts(elemType, dims, values.Select(v => (long)v).ToArray())
            : OfReals(elemType, dims, values.ToArray());

    /// <summary>Reads a TensorProto when it is small enough and numeric; null otherwise.</summary>
    public static ConstValue? FromTensor(TensorProto tensor, ExternalDataStore? store)
    {
        if (TensorValues.ElementCount(tensor) > MaxElements) return null;
        var dims = tensor.Dims.ToArray();
        if (ElementType.IsInteger(tensor.DataType)) return OfInts(tensor.DataType, dims, TensorValues.AsInt64(tensor, store));
        if (ElementType.IsFloat(tensor.DataType)) return OfReals(tensor.DataType, dims, TensorValues.AsDouble(tensor, store));
        return null;
    }

    public double Real(int i) => Ints is not null ? Ints[i] : Reals![i];

    public IEnumerable<double> AsReals() => Ints?.Select(v => (double)v) ?? Reals!;

    public ConstValue Reshaped(long[] dims) => new(ElemType, dims, Ints, Reals);
}
