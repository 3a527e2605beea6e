using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Output sizes of sliding-window operators (Conv, pools), with ONNX's auto_pad, pads, strides,
/// dilations and ceil_mode:
///   explicit pads:  out = floor_or_ceil((in + pad_begin + pad_end − dilation·(k−1) − 1) / stride) + 1
///   SAME_UPPER/LOWER: out = ceil(in / stride);  VALID: out = ceil((in − dilation·(k−1)) / stride)
/// With ceil_mode, a last window that would start inside the end padding is dropped (as PyTorch and ONNX Runtime do).
/// Strides, dilations and kernel sizes must be positive and pads not negative (no exporter writes a negative
/// pad, and TensorRT has no cropping conv); the arithmetic is checked, so a pad of 2^63−1 is an error, not a wrap.
/// </summary>
internal static class SpatialWindow
{
    /// <param name="kernel">The window; from a weight's dims (Conv without kernel_shape) it may hold -1, unknown.</param>
    public static long[] OutputSpatial(ShapeContext c, long[] inputSpatial, long[] kernel, bool ceilMode = false)
    {
        var n = inputSpatial.Length;
        var strides = c.Proto.GetInts("strides") ?? Ones(n);
        var dilations = c.Proto.GetInts("dilations") ?? Ones(n);
        var pads = c.Proto.GetInts("pads") ?? new long[2 * n];
        var autoPad = c.Proto.GetString("auto_pad", "NOTSET");
        if (strides.Length != n || dilations.Length != n || pads.Length != 2 * n || kernel.Length != n)
        {
            throw c.Fail($"strides, dilations, pads or kernel do not match {n} spatial dimensions");
        }
        CheckWindow(c, strides, dilations, pads, kernel.Where(k => k != -1).ToArray());
        var result = new long[n];
        for (var i = 0; i < n; i++)
        {
            var size = inputSpatial[i];
            if (size < 0 || kernel[i] < 0) { result[i] = -1; continue; }
            var effective = checked(dilations[i] * (kernel[i] - 1) + 1);
            result[i] = autoPad switch
            {
                "SAME_UPPER" or "SAME_LOWER" => CeilDiv(size, strides[i]),
                "VALID" => CeilDiv(size - effective + 1, strides[i]),
                "NOTSET" or "" => Explicit(checked(size + pads[i] + pads[i + n]), effective, strides[i], ceilMode, checked(size + pads[i])),
                _ => throw c.Unsupported($"auto_pad '{autoPad}' is not an ONNX value"),
            };
            if (result[i] <= 0) throw c.Fail($"spatial dimension {i} of size {size} is too small for a window of {effective}");
        }
        return result;
    }

    /// <summary>Refuses (OCD1302) a stride, dilation or kernel size below 1 and a negative pad.</summary>
    public static void CheckWindow(ShapeContext c, long[] strides, long[] dilations, long[] pads, long[] kernel)
    {
        if (strides.Any(v => v <= 0)) throw c.Fail($"strides {Folding.Text(strides)} must be positive");
        if (dilations.Any(v => v <= 0)) throw c.Fail($"dilations {Folding.Text(dilations)} must be positive");
        if (kernel.Any(v => v <= 0)) throw c.Fail($"kernel {Folding.Text(kernel)} must be positive");
        if (pads.Any(v => v < 0)) throw c.Fail($"pads {Folding.Text(pads)} must not be negative");
    }

    /// <summary>n ones: the default strides and dilations.</summary>
    public static long[] Ones(int n) => Enumerable.Repeat(1L, n).ToArray();

    private static long Explicit(long padded, long effective, long stride, bool ceilMode, long inputEndWithBeginPad)
    {
        var span = padded - effective;
        if (span < 0) return 0;
        var outSize = (ceilMode ? CeilDiv(span, stride) : span / stride) + 1;
        // The last window must start inside the input or the begin padding.
        if (ceilMode && (outSize - 1) * stride >= inputEndWithBeginPad) outSize--;
        return outSize;
    }

    private static long CeilDiv(long a, long b) => checked(a + b - 1) / b;
}
