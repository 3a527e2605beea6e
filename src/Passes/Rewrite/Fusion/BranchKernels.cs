using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>
/// Each branch of a block as a k×k kernel and bias (DESIGN.md, "Re-parameterization"):
///   conv + BN   W' = W·m, b' = b·m + s   (m = γ/sqrt(var+ε), s = β − μ·m), a missing bias being 0;
///   1×1         its kernel placed at the centre of a k×k kernel of zeros;
///   identity    for output channel o, weight m (1 without BN) at the centre of input channel o mod (C/groups)
///               (the channel it reads within its group), bias s (0 without BN).
/// All in double precision; summed kernels are rounded to float32 once.
/// </summary>
internal sealed record BranchKernel(double[] Weight, double[] Bias)
{
    public static (BranchKernel? Kernel, string? Reason) Of(ModelGraph graph, RepVggBlock block, Branch branch, PassContext context, long size)
    {
        var inPerGroup = block.InPerGroup;
        BatchNormParameters? bn = null;
        if (branch.Bn is not null)
        {
            var (parameters, why) = BatchNormParameters.Read(graph, branch.Bn, context);
            if (parameters is null) return (null, $"BN '{branch.Bn.Name}': {why}");
            if (parameters.Channels != block.Channels) return (null, $"BN '{branch.Bn.Name}' has {parameters.Channels} channels, the block {block.Channels}");
            bn = parameters;
        }
        var weight = new double[block.Channels * inPerGroup * size * size];
        var bias = new double[block.Channels];
        var centre = size / 2;
        if (branch.Conv is null)
        {
            for (var o = 0; o < block.Channels; o++)
            {
                weight[Index(o, o % inPerGroup, centre, centre, inPerGroup, size)] = bn?.Multiplier[o] ?? 1;
                bias[o] = bn?.Shift[o] ?? 0;
            }
            return (new BranchKernel(weight, bias), null);
        }

        var (w, dims, b, reason) = ConvParameters.Read(graph, branch.Conv, context);
        if (w is null) return (null, reason);
        var k = dims![2];
        var offset = (size - k) / 2;
        for (var o = 0; o < block.Channels; o++)
        {
            var m = bn?.Multiplier[o] ?? 1;
            for (var i = 0; i < inPerGroup; i++)
            {
                for (var y = 0; y < k; y++)
                {
                    for (var x = 0; x < k; x++)
                    {
                        weight[Index(o, i, y + offset, x + offset, inPerGroup, size)] = w[((o * inPerGroup + i) * k + y) * k + x] * m;
                    }
                }
            }
            bias[o] = b![o] * m + (bn?.Shift[o] ?? 0);
        }
        return (new BranchKernel(weight, bias), null);
    }

    public static BranchKernel Sum(IEnumerable<BranchKernel> kernels)
    {
        var list = kernels.ToList();
        var weight = new double[list[0].Weight.Length];
        var bias = new double[list[0].Bias.Length];
        foreach (var k in list)
        {
            for (var i = 0; i < weight.Length; i++) weight[i] += k.Weight[i];
            for (var i = 0; i < bias.Length; i++) bias[i] += k.Bias[i];
        }
        return new BranchKernel(weight, bias);
    }

    private static long Index(long o, long i, long y, long x, long inPerGroup, long size) => ((o * inPerGroup + i) * size + y) * size + x;
}
