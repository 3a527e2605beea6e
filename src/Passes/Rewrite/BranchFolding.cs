namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>
/// The folding arithmetic on plain arrays (DESIGN.md, "Re-parameterization"), the one copy that fold-bn,
/// fuse-branches and the sample builder's BN-folded and deploy forms share:
///   conv + BN   W' = W·m, b' = b·m + s   (m = γ/sqrt(var+ε), s = β − μ·m, see <see cref="BatchNormParameters"/>),
///               a missing bias being 0;
///   1×1         its kernel placed at the centre of a k×k kernel of zeros;
///   identity    for output channel o, weight m (1 without BN) at the centre of input channel o mod (C/groups)
///               (the channel it reads within its group), bias s (0 without BN).
/// A fused kernel is summed in double over its branches, in the order main, 1×1, identity, and rounded to
/// float once, so the same parameters give the same bytes whichever caller folds them.
/// </summary>
public static class BranchFolding
{
    /// <summary>W' = W·m: every weight of output channel c (layout [Cout, …]) scaled by m[c], rounded once. <paramref name="into"/> may be <paramref name="weight"/> itself.</summary>
    public static void FoldWeight(ReadOnlySpan<float> weight, double[] multiplier, Span<float> into)
    {
        var perChannel = weight.Length / multiplier.Length;
        for (var i = 0; i < weight.Length; i++) into[i] = (float)(weight[i] * multiplier[i / perChannel]);
    }

    /// <summary>Adds b·m + s per output channel (b = 0 when <paramref name="convBias"/> is empty; m = 1, s = 0 without BN).</summary>
    public static void AddBias(ReadOnlySpan<float> convBias, BatchNormParameters? bn, Span<double> into)
    {
        for (var o = 0; o < into.Length; o++)
        {
            into[o] += (convBias.IsEmpty ? 0 : convBias[o]) * (bn?.Multiplier[o] ?? 1) + (bn?.Shift[o] ?? 0);
        }
    }

    /// <summary>
    /// Adds a k×k branch kernel, scaled by m per output channel (none: 1), centred in the size×size kernel
    /// <paramref name="into"/>; both kernels are [channels, inPerGroup, ·, ·].
    /// </summary>
    public static void AddConv(ReadOnlySpan<float> weight, double[]? multiplier, long channels, long inPerGroup, long k, Span<double> into, long size)
    {
        var perOut = (int)(inPerGroup * size * size);
        for (var o = 0; o < channels; o++)
        {
            AddConvChannel(weight, o, multiplier?[o] ?? 1, inPerGroup, k, into.Slice(o * perOut, perOut), size);
        }
    }

    /// <summary>
    /// Output channel <paramref name="o"/> of <see cref="AddConv"/>: <paramref name="into"/> is that channel's
    /// [inPerGroup, size, size] kernel, so a caller can sum a large kernel one output channel at a time.
    /// </summary>
    public static void AddConvChannel(ReadOnlySpan<float> weight, long o, double m, long inPerGroup, long k, Span<double> into, long size)
    {
        var offset = (size - k) / 2;
        for (var i = 0; i < inPerGroup; i++)
        {
            for (var y = 0; y < k; y++)
            {
                for (var x = 0; x < k; x++)
                {
                    into[(int)((i * size + y + offset) * size + x + offset)] += weight[(int)(((o * inPerGroup + i) * k + y) * k + x)] * m;
                }
            }
        }
    }

    /// <summary>Adds the identity branch: m (none: 1) at the centre of input channel o mod inPerGroup of output channel o.</summary>
    public static void AddIdentity(double[]? multiplier, long channels, long inPerGroup, Span<double> into, long size)
    {
        var perOut = (int)(inPerGroup * size * size);
        for (var o = 0; o < channels; o++)
        {
            AddIdentityChannel(o, multiplier?[o] ?? 1, inPerGroup, into.Slice(o * perOut, perOut), size);
        }
    }

    /// <summary>Output channel <paramref name="o"/> of <see cref="AddIdentity"/>, into that channel's kernel.</summary>
    public static void AddIdentityChannel(long o, double m, long inPerGroup, Span<double> into, long size)
    {
        var centre = size / 2;
        into[(int)(((o % inPerGroup) * size + centre) * size + centre)] += m;
    }

    /// <summary>Rounds a summed kernel or bias to float32, once.</summary>
    public static void Round(ReadOnlySpan<double> sum, Span<float> into)
    {
        for (var i = 0; i < sum.Length; i++) into[i] = (float)sum[i];
    }
}
