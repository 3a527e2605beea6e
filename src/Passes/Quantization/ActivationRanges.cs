namespace OnnxCoDesign.Passes.Quantization;

/// <summary>
/// The calibrated symmetric range of each activation tensor to quantize: amax, so that the tensor is
/// represented on [−amax, amax] with scale amax/127. <see cref="Samples"/> says how many inputs the ranges
/// were measured on (0 when given by hand).
/// </summary>
public sealed class ActivationRanges(IReadOnlyDictionary<string, double> amax, long samples = 0)
{
    /// <summary>
    /// The smallest scale written: below the smallest normal float32 a scale would underflow or lose its
    /// precision, and ONNX and TensorRT both require a positive scale.
    /// </summary>
    public const float MinimumScale = 1.17549435e-38f;

    public IReadOnlyDictionary<string, double> Amax { get; } = amax;

    public long Samples { get; } = samples;

    public double? Of(string tensor) => Amax.TryGetValue(tensor, out var a) ? a : null;

    /// <summary>
    /// scale = amax/127 as float32. A tensor that was zero on every calibration input (amax 0, or so small the
    /// scale underflows) gets scale 1: zero is still exact, and a value seen only at deployment keeps a step
    /// of 1 up to ±127 instead of saturating at once.
    /// </summary>
    public static float ScaleOf(double amax)
    {
        var scale = (float)(amax / 127.0);
        return scale >= MinimumScale ? scale : 1f;
    }
}
