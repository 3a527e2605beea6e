namespace OnnxCoDesign.Passes.Wire;

/// <summary>The lossy formats a float32 tensor can cross a link in (fp32 needs no conversion).</summary>
public enum WireEncoding { Fp16, Int8 }

/// <summary>
/// A float32 tensor sent over a link converted: to fp16 (Cast), or to symmetric per-tensor int8
/// (QuantizeLinear with <see cref="Scale"/> and an int8 zero point of 0: TensorRT accepts only zero points of 0).
/// <see cref="WireName"/> is the converted tensor's name, the one the parts exchange.
/// </summary>
/// <param name="Tensor">The float32 tensor's name in the model.</param>
/// <param name="Scale">int8: amax / 127 from calibration (positive, finite); fp16: unused (1).</param>
public sealed record WireTensor(string Tensor, WireEncoding Encoding, float Scale = 1f)
{
    public string WireName => Tensor + (Encoding == WireEncoding.Fp16 ? "__fp16" : "__int8");

    /// <summary>The int8 scale for a calibrated range: amax / 127, as the quantize pass computes it (<see cref="Quantization.ActivationRanges.ScaleOf"/>).</summary>
    public static float Int8Scale(double amax) => Quantization.ActivationRanges.ScaleOf(amax);
}
