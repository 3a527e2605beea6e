using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Preprocessing;
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

    /// <summary>quantize(ranges): explicit int8 (QDQ) at TensorRT's sites, activations at the calibrated ranges; with nodes, only the sites those nodes read.</summary>
    public static PassPipeline Quantize(ActivationRanges ranges, IReadOnlySet<string>? nodes = null) => new("quantize", [new Quantize(ranges, nodes)]);

    /// <summary>round-fp16(nodes): activations and weights at the Q/DQ sites of those nodes (all when null) rounded through fp16, for measuring an fp16 deployment.</summary>
    public static PassPipeline RoundFp16(IReadOnlySet<string>? nodes = null) => new("round-fp16", [new RoundFp16(nodes)]);

    /// <summary>cast-fp16: a part's float32 weights and compute in float16, its inputs and outputs at their declared types (for a strongly typed TensorRT build).</summary>
    public static PassPipeline CastFp16() => new("cast-fp16", [new CastToFp16()]);

    /// <summary>prepend-normalization(n): the model's float32 NCHW input becomes uint8 and the model normalizes it (--input-format uint8).</summary>
    public static PassPipeline PrependNormalization(InputNormalization normalization, string? input = null) =>
        new("prepend-normalization", [new PrependNormalization(normalization, input)]);
}
