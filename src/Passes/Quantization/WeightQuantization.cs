namespace OnnxCoDesign.Passes.Quantization;

/// <summary>
/// Symmetric per-channel int8 weights: for each index c of <c>axis</c>, s_c = max|W_c|/127 (float32) and
/// q = clamp(round_half_even(W/s_c), −127, 127). Rounding divides by the float32 scale that is stored, so
/// DequantizeLinear's q·s_c is the value the quantizer meant. A channel of zeros gets s_c = 1 and q = 0.
/// </summary>
public static class WeightQuantization
{
    public static (sbyte[] Values, float[] Scales) PerChannel(ReadOnlySpan<float> weight, IReadOnlyList<long> dims, int axis)
    {
        var channels = checked((int)dims[axis]);
        long inner = 1;
        for (var d = axis + 1; d < dims.Count; d++) inner *= dims[d];
        var max = new double[channels];
        for (var i = 0; i < weight.Length; i++)
        {
            var c = (int)(i / inner % channels);
            max[c] = Math.Max(max[c], Math.Abs((double)weight[i]));
        }
        var scales = new float[channels];
        for (var c = 0; c < channels; c++) scales[c] = ActivationRanges.ScaleOf(max[c]);
        var values = new sbyte[weight.Length];
        for (var i = 0; i < weight.Length; i++)
        {
            var q = Math.Round(weight[i] / (double)scales[(int)(i / inner % channels)], MidpointRounding.ToEven);
            values[i] = (sbyte)Math.Clamp(q, -127, 127);
        }
        return (values, scales);
    }
}
