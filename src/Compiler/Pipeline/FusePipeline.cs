using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Pipeline;

/// <summary>The re-parameterization pipeline and what it changed: analysis before and after each side.</summary>
public sealed record FuseOutcome(ModelAnalysis Before, ModelAnalysis After, PassResult FoldBn, FusionResult Fusion, LoadedModel Fused)
{
    /// <summary>Warnings of the passes and analyses (shape inference's among them), each once.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];

    public PassTrace Trace { get; init; } = new();
}

/// <summary>
/// Pipeline reparameterize(plan) = [fold-bn, fuse-branches(plan)] on a copy of the model (the original stays
/// as loaded, for verification). The runner verifies the graph after each pass.
/// </summary>
public static class FusePipeline
{
    public static FuseOutcome Run(LoadedModel original, string displayName, StrategyPlan plan, ShapeBindings bindings)
    {
        var context = new PassContext(original.ExternalData) { Bindings = bindings };
        var source = new ModelGraph(original.Model, original.Path);
        context.Trace.Count(PassTrace.VerifyGraph);
        GraphVerifier.Verify(source);
        var before = ModelAnalysis.Of(source, context, displayName);
        // A copy of the analysed graph, so nodes keep the identities `before` reports them by.
        var graph = before.Graph.Copy();
        var results = Pipelines.Reparameterize(plan).Run(graph, context);
        var foldBn = results.Single(r => r.Pass == FoldBatchNorm.Name);
        var fusion = results.OfType<FusionPassResult>().Single().Fusion;
        var fused = original.Derived(graph.Model);
        var after = ModelAnalysis.Of(graph, context, displayName);
        return new FuseOutcome(before, after, foldBn, fusion, fused) { Warnings = context.Diagnostics.Items, Trace = context.Trace };
    }
}
