using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Passes.Pipeline;

/// <summary>
/// Every pipeline the compiler runs, in one place. Adding a pass is one new sealed class implementing
/// <see cref="IGraphPass"/> and one line here.
/// </summary>
public static class Pipelines
{
    /// <summary>
    /// prepare = [drop-identity, fold-bn]: what every strategy starts from (the planner's base model, and the
    /// first half of <see cref="Reparameterize"/>).
    /// </summary>
    public static PassPipeline Prepare() => new("prepare",
    [
        new DropIdentity(),
        new FoldBatchNorm(),
    ]);

    /// <summary>fuse-branches(plan): a BN-folded model's blocks fused by the plan.</summary>
    public static PassPipeline FuseBranches(StrategyPlan plan) => new("fuse-branches", [new FuseBranches(plan)]);

    /// <summary>reparameterize(plan) = prepare + [fuse-branches(plan)]: the fuse command's whole rewrite.</summary>
    public static PassPipeline Reparameterize(StrategyPlan plan) => new("reparameterize", [.. Prepare().Passes, new FuseBranches(plan)]);

    /// <summary>quantize(ranges): explicit int8 (QDQ) at TensorRT's sites, activations at the calibrated ranges.</summary>
    public static PassPipeline Quantize(ActivationRanges ranges) => new("quantize", [new Quantize(ranges)]);
}
