using OnnxCoDesign.Passes.Rewrite;

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
    /// The re-parameterization fuse-branches does, by the same arithmetic (<see cref="BranchFolding"/>): every
    /// branch folded and summed into one 3×3 kernel and bias in double, rounded once.
    /// </summary>
    public (float[] Weight, float[] Bias) Fuse()
    {
        long cinPerGroup = InChannels / Groups;
        var dense = DenseBn.Affine();
        var oneByOne = OneByOneBn.Affine();
        var identity = IdentityBn?.Affine();
        var w = new double[OutChannels * cinPerGroup * 9];
        BranchFolding.AddConv(Dense, dense.Multiplier, OutChannels, cinPerGroup, 3, w, 3);
        BranchFolding.AddConv(OneByOne, oneByOne.Multiplier, OutChannels, cinPerGroup, 1, w, 3);
        if (identity is not null) BranchFolding.AddIdentity(identity.Multiplier, OutChannels, cinPerGroup, w, 3);
        var b = new double[OutChannels];
        BranchFolding.AddBias(default, dense, b);
        BranchFolding.AddBias(default, oneByOne, b);
        if (identity is not null) BranchFolding.AddBias(default, identity, b);
        var (weight, bias) = (new float[w.Length], new float[b.Length]);
        BranchFolding.Round(w, weight);
        BranchFolding.Round(b, bias);
        return (weight, bias);
    }
}
