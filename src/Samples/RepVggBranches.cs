namespace OnnxCoDesign.Samples;

/// <summary>
/// The trained parameters of one RepVGG block: a 3×3 conv + BN, a 1×1 conv + BN, and an identity BN
/// (only when the block keeps its shape). Both export forms and the deploy form are emitted from one
/// instance, so they compute the same function.
/// </summary>
public sealed record RepVggBranches(
    long InChannels, long OutChannels, int Stride, int Groups,
    float[] Dense, BatchNormParams DenseBn,
    float[] OneByOne, BatchNormParams OneByOneBn,
    BatchNormParams? IdentityBn)
{
    public ConvSpec DenseSpec => new(OutChannels, 3, Stride, 1, Groups);

    public ConvSpec OneByOneSpec => new(OutChannels, 1, Stride, 0, Groups);

    /// <summary>Draws the parameters in a fixed order (3×3, its BN, 1×1, its BN, identity BN).</summary>
    public static RepVggBranches Generate(WeightGenerator g, long inChannels, long outChannels, int stride = 1, int groups = 1, double gain = 1.0)
    {
        long cinPerGroup = inChannels / groups;
        var dense = g.ConvWeight(outChannels, cinPerGroup, 3, 3, gain);
        var denseBn = g.BatchNorm(outChannels);
        var oneByOne = g.ConvWeight(outChannels, cinPerGroup, 1, 1, gain);
        var oneByOneBn = g.BatchNorm(outChannels);
        var identityBn = HasIdentity(inChannels, outChannels, stride) ? g.BatchNorm(outChannels) : null;
        return new RepVggBranches(inChannels, outChannels, stride, groups, dense, denseBn, oneByOne, oneByOneBn, identityBn);
    }

    /// <summary>RepVGG keeps an identity branch only where input and output shapes agree.</summary>
    public static bool HasIdentity(long inChannels, long outChannels, int stride) => inChannels == outChannels && stride == 1;

    /// <summary>
    /// The reference re-parameterization: every branch folded and summed into one 3×3 kernel and bias
    /// (1×1 padded to the centre tap; identity as a centre 1 on channel o%(Cin/g) of output o).
    /// Sums are in double, rounded once.
    /// </summary>
    public (float[] Weight, float[] Bias) Fuse()
    {
        long cinPerGroup = InChannels / Groups;
        var m3 = DenseBn.Multipliers();
        var m1 = OneByOneBn.Multipliers();
        var mId = IdentityBn?.Multipliers();
        var w = new float[OutChannels * cinPerGroup * 9];
        var b = new float[OutChannels];
        for (long o = 0; o < OutChannels; o++)
        {
            for (long i = 0; i < cinPerGroup; i++)
            {
                long kernel = (o * cinPerGroup + i) * 9;
                for (int t = 0; t < 9; t++)
                {
                    double v = Dense[kernel + t] * m3[o];
                    if (t == 4)
                    {
                        v += OneByOne[o * cinPerGroup + i] * m1[o];
                        if (mId is not null && i == o % cinPerGroup) v += mId[o];
                    }
                    w[kernel + t] = (float)v;
                }
            }
            double bias = Shift(DenseBn, m3, o) + Shift(OneByOneBn, m1, o);
            if (IdentityBn is not null) bias += Shift(IdentityBn, mId!, o);
            b[o] = (float)bias;
        }
        return (w, b);
    }

    private static double Shift(BatchNormParams bn, double[] m, long c) => bn.Bias[c] - bn.Mean[c] * m[c];
}
