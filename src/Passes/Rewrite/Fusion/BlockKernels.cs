using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>
/// A block's branches as kernels: each in k×k form for summing, and the 1×1 branch also in its own 1×1
/// form for the strategies that keep it.
/// </summary>
internal sealed record BlockKernels(BranchKernel Main, BranchKernel? OneByOne, BranchKernel? OneByOneNative, BranchKernel? Identity)
{
    public static (BlockKernels? Kernels, string? Reason) Of(ModelGraph graph, RepVggBlock block, PassContext context)
    {
        var main = BranchKernel.Of(graph, block, block.Main, context, block.Kernel);
        if (main.Kernel is null) return (null, main.Reason);
        BranchKernel? oneByOne = null, native = null, identity = null;
        if (block.OneByOne is not null)
        {
            var padded = BranchKernel.Of(graph, block, block.OneByOne, context, block.Kernel);
            if (padded.Kernel is null) return (null, padded.Reason);
            oneByOne = padded.Kernel;
            native = BranchKernel.Of(graph, block, block.OneByOne, context, 1).Kernel;
        }
        if (block.Identity is not null)
        {
            var id = BranchKernel.Of(graph, block, block.Identity, context, block.Kernel);
            if (id.Kernel is null) return (null, id.Reason);
            identity = id.Kernel;
        }
        return (new BlockKernels(main.Kernel, oneByOne, native, identity), null);
    }

    /// <summary>The k×k kernel for a strategy: the main branch plus every branch the strategy fuses away.</summary>
    public BranchKernel Fused(FusionStrategy strategy)
    {
        var parts = new List<BranchKernel> { Main };
        if (OneByOne is not null && !strategy.KeepsOneByOne()) parts.Add(OneByOne);
        if (Identity is not null && !strategy.KeepsIdentity()) parts.Add(Identity);
        return BranchKernel.Sum(parts);
    }
}
