using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Pipeline;

/// <summary>The re-parameterization pipeline and what it changed: analysis before and after each side.</summary>
public sealed record FuseOutcome(ModelAnalysis Before, ModelAnalysis After, PassResult FoldBn, FusionResult Fusion, LoadedModel Fused);

/// <summary>
/// fold-bn, then fuse-branches by the strategy plan, on a copy of the model (the original stays as loaded,
/// for verification). The graph is verified after each pass.
/// </summary>
public static class FusePipeline
{
    public static FuseOutcome Run(LoadedModel original, string displayName, StrategyPlan plan, ShapeBindings bindings)
    {
        var before = ModelAnalysis.Run(original, displayName, bindings);
        // A copy of the analysed graph, so nodes keep the identities `before` reports them by.
        var graph = before.Graph.Copy();
        var model = graph.Model;
        var context = new PassContext(original.ExternalData);
        var foldBn = FoldBatchNorm.Run(graph, context);
        GraphVerifier.Verify(graph);
        var fusion = FuseBranches.Run(graph, context, plan);
        GraphVerifier.Verify(graph);
        var fused = original.Derived(model);
        var after = ModelAnalysis.Run(graph, original.ExternalData, displayName, bindings);
        return new FuseOutcome(before, after, foldBn, fusion, fused);
    }
}
