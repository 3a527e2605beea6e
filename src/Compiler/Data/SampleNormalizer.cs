using System.Buffers.Binary;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// Turns one stored sample (uint8 or float32 values in C order) into model input values:
/// <code>x = (v · scale − mean[c]) / std[c]</code>
/// with c the channel: dim 0 of a sample of rank 3 or more (CHW), the only channel otherwise. Without
/// --preprocess, scale is 1/255 for uint8 and 1 for float data, mean 0, std 1 (float data passes unchanged).
/// An integer model input takes uint8 samples as they are and nothing else.
/// </summary>
internal sealed class SampleNormalizer
{
    private readonly float _scale;
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly long _plane;
    private readonly bool _sourceUInt8;
    private readonly InputLayout _layout;

    private SampleNormalizer(InputLayout layout, bool sourceUInt8, float scale, float[] mean, float[] std, long plane)
    {
        _layout = layout;
        _sourceUInt8 = sourceUInt8;
        _scale = scale;
        _mean = mean;
        _std = std;
        _plane = plane;
    }

    /// <summary>The element size of the stored samples.</summary>
    public int SourceElementSize => _sourceUInt8 ? 1 : 4;

    public static SampleNormalizer For(InputLayout layout, bool sourceUInt8, Preprocess? preprocess, string path)
    {
        var shape = layout.SampleShape;
        var channels = shape.Length >= 3 ? shape[0] : 1;
        var plane = channels == 0 ? 1 : Math.Max(1, layout.SampleElements / channels);
        if (!ElementType.IsFloat(layout.ElemType))
        {
            if (!sourceUInt8 || preprocess is not null)
            {
                throw new CodesignException(ErrorCodes.DataSetTypeUnsupported,
                    $"input '{layout.Name}' is {ElementType.Name(layout.ElemType)}: it takes uint8 samples without --preprocess", path);
            }
            return new SampleNormalizer(layout, sourceUInt8, 1, [0], [1], plane);
        }
        var mean = PerChannel(preprocess?.Mean, 0f, channels, "mean", layout, path);
        var std = PerChannel(preprocess?.Std, 1f, channels, "std", layout, path);
        return new SampleNormalizer(layout, sourceUInt8, preprocess?.ScaleFor(sourceUInt8) ?? (sourceUInt8 ? 1f / 255f : 1f), mean, std, plane);
    }

    /// <summary>Writes one sample read from <paramref name="source"/> into <paramref name="destination"/> (one row of a batch).</summary>
    public void Write(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var n = (int)_layout.SampleElements;
        var type = _layout.ElemType;
        var size = ElementType.SizeOf(type);
        for (var i = 0; i < n; i++)
        {
            var v = _sourceUInt8 ? source[i] : BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4, 4));
            var dst = destination.Slice(i * size, size);
            if (!ElementType.IsFloat(type))
            {
                TensorData.TryWrite(type, v, dst);
                continue;
            }
            var c = (int)(i / _plane);
            var x = (v * _scale - _mean[_mean.Length == 1 ? 0 : c]) / _std[_std.Length == 1 ? 0 : c];
            if (type == ElementType.Float) BinaryPrimitives.WriteSingleLittleEndian(dst, x);
            else TensorData.TryWrite(type, x, dst);
        }
    }

    private static float[] PerChannel(IReadOnlyList<float>? values, float neutral, long channels, string key, InputLayout layout, string path)
    {
        if (values is null) return [neutral];
        if (values.Count == 1 || values.Count == channels) return [.. values];
        throw new CodesignException(ErrorCodes.PreprocessMismatch,
            $"--preprocess gives {values.Count} {key} values but input '{layout.Name}' samples {layout.SampleText} have {channels} channel(s): give one or {channels}", path);
    }
}
