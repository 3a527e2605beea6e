using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// One model input as a data set fills it: the shape of one sample (the input's shape without its batch
/// dim), the element type written (float32 for a float input) and the batch the model fixes, if any.
/// </summary>
internal sealed record InputLayout(InputSignature Input, long[] SampleShape, int ElemType)
{
    public string Name => Input.Name;

    /// <summary>dim 0 where the model fixes it (a static batch, usually 1); null where it is symbolic.</summary>
    public int? FixedBatch => Input.Dims is { Length: > 0 } dims && dims[0] is { } b && b > 0 && b <= int.MaxValue ? (int)b : null;

    public long SampleElements => TensorData.ElementCountOf(SampleShape);

    public int RowBytes => checked((int)(SampleElements * ElementType.SizeOf(ElemType)));

    public string SampleText => "[" + string.Join(",", SampleShape) + "]";

    /// <summary>The element type a float-valued data set writes for this input: float32 for float (and untyped) inputs.</summary>
    public static int FloatTypeFor(InputSignature input) =>
        input.ElemType is ElementType.Float16 or ElementType.Double or ElementType.BFloat16 ? input.ElemType : ElementType.Float;

    /// <summary>
    /// The layout for samples of <paramref name="rowShape"/> (a data file's shape without its first dim):
    /// equal to the input's shape without its batch dim where that is fixed, or, for a 1-channel input
    /// [N,1,H,W], rows of [H,W]. Anything else is OCD1521 naming the file and both shapes.
    /// </summary>
    public static InputLayout ForRows(InputSignature input, long[] rowShape, int elemType, string path, string found)
    {
        if (input.Dims is null) return new InputLayout(input, rowShape, elemType);
        var expected = input.Dims.Skip(1).ToArray();
        if (Fits(expected, rowShape)) return new InputLayout(input, Bind(expected, rowShape), elemType);
        if (expected.Length == rowShape.Length + 1 && expected.Length >= 3 && expected[0] == 1 && Fits(expected[1..], rowShape))
        {
            return new InputLayout(input, [1, .. Bind(expected[1..], rowShape)], elemType);
        }
        throw new CodesignException(ErrorCodes.DataSetShapeMismatch,
            $"samples of shape [{string.Join(",", rowShape)}] (data {found}) do not fit input '{input.Name}' {input.ShapeText}: each sample must be [{string.Join(",", expected.Select(d => d?.ToString() ?? "?"))}]", path);
    }

    private static bool Fits(long?[] expected, long[] shape) =>
        expected.Length == shape.Length && expected.Zip(shape).All(p => p.First is null || p.First == p.Second);

    private static long[] Bind(long?[] expected, long[] shape) => expected.Select((d, i) => d ?? shape[i]).ToArray();
}
