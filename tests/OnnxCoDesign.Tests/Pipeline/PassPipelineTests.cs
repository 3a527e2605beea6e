using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Tests.Rewrite;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Pipeline;

/// <summary>The runner: passes in order, the verifier after each, the analysis cache dropped when a pass rewrote.</summary>
public sealed class PassPipelineTests
{
    /// <summary>A pass for the tests: does whatever it is given to the graph and reports one rewrite.</summary>
    private sealed class Breaking(string name, Action<ModelGraph> edit) : IGraphPass
    {
        public string Name { get; } = name;

        public IReadOnlyList<string> TargetOps { get; } = ["Relu"];

        public PassResult Run(ModelGraph graph, PassContext context)
        {
            edit(graph);
            return new PassResult(Name, [new OnnxCoDesign.Passes.Rewrite.Rewrite("graph", "broken")], []);
        }
    }

    [Fact]
    public void ReparameterizeRunsDropIdentityFoldBnThenFuseBranchesAndComputesWhatTheOriginalComputes()
    {
        var original = RewriteRun.Tiny();
        var model = original.Clone();
        var graph = new ModelGraph(model);
        var context = PassContext.InMemory;
        var results = Pipelines.Reparameterize(new StrategyPlan(FusionStrategy.S1)).Run(graph, context);

        Assert.Equal([DropIdentity.Name, FoldBatchNorm.Name, FuseBranches.Name], results.Select(r => r.Pass));
        Assert.Empty(results[0].Rewrites); // the tiny model has no Identity
        Assert.NotEmpty(results[1].Rewrites); // the branch convs' BNs; the identity BNs are fuse-branches' to fold
        Assert.Equal(5, results[2].Rewrites.Count);
        Assert.Equal(5, ((FusionPassResult)results[2]).Fusion.Blocks.Count);
        Assert.Equal(0, GraphChecks.Count(model, "BatchNormalization"));
        Assert.Equal(0, GraphChecks.Count(model, "Add"));
        Assert.Equal(1, context.Trace[FoldBatchNorm.Name]);
        Assert.Equal(1, context.Trace[FuseBranches.Name]);
        Assert.Equal(3, context.Trace[PassTrace.VerifyGraph]); // after each pass
        GraphChecks.WellFormed(model);
        Assert.InRange(OrtCompare.RelativeError(original, model), 0, 1e-5);
    }

    [Fact]
    public void ReparameterizeLeavesAModelWithoutBlocksOrFoldableBnAsItWas()
    {
        var original = Originals.ResNet50Folded;
        var model = original.Clone();
        var results = Pipelines.Reparameterize(new StrategyPlan(FusionStrategy.S1)).Run(new ModelGraph(model), PassContext.InMemory);
        Assert.All(results, r => Assert.Empty(r.Rewrites));
        Assert.Equal(original, model);
    }

    [Fact]
    public void APassThatLeavesAnInputUndefinedIsCaughtRightAfterItAndNamed()
    {
        var model = RewriteRun.Tiny();
        var graph = new ModelGraph(model);
        var pipeline = new PassPipeline("test", [new FoldBatchNorm(), new Breaking("drop-a-producer", g =>
        {
            g.Proto.Node.RemoveAt(0);
            g.Refresh();
        })]);
        var error = Assert.Throws<CodesignException>(() => pipeline.Run(graph, PassContext.InMemory));
        Assert.Equal(ErrorCodes.UndefinedInput, error.Code);
        Assert.Contains("after pass 'drop-a-producer'", error.Message);
    }

    [Fact]
    public void APassThatSerializesNodesOutOfOrderIsCaught()
    {
        var model = RewriteRun.Tiny();
        var graph = new ModelGraph(model);
        Assert.True(GraphVerifier.IsSerializedInOrder(graph));
        var pipeline = new PassPipeline("test", [new Breaking("reverse-nodes", g =>
        {
            var reversed = g.Proto.Node.Reverse().ToList();
            g.Proto.Node.Clear();
            g.Proto.Node.AddRange(reversed);
            g.Refresh();
        })]);
        var error = Assert.Throws<CodesignException>(() => pipeline.Run(graph, PassContext.InMemory));
        Assert.Contains("is serialized before", error.Message);
        Assert.Contains("after pass 'reverse-nodes'", error.Message);
    }

    [Fact]
    public void ADeclaredShapeThatDisagreesWithTheInferredOneIsCaught()
    {
        var model = RewriteRun.Tiny();
        var output = model.Graph.Output[0];
        output.Type.TensorType.Shape.Dim[1].DimValue = 11; // the classifier has 10 classes
        var graph = new ModelGraph(model);
        var context = PassContext.InMemory;
        var error = Assert.Throws<CodesignException>(() => context.Analyses.Of(graph, context));
        Assert.Equal(ErrorCodes.DeclaredShapeMismatch, error.Code);
        Assert.Contains($"'{output.Name}'", error.Message);
    }

    [Fact]
    public void AnalysisIsCachedUntilAPassRewritesTheGraph()
    {
        var model = Originals.A0Separate.Clone();
        var graph = new ModelGraph(model);
        var context = PassContext.InMemory;
        var first = context.Analyses.Of(graph, context);
        Assert.Same(first, context.Analyses.Of(graph, context));
        Assert.Equal(1, context.Trace[PassTrace.ShapeInference]);

        // A0 has blocks: fuse-branches rewrites them, and the analysis is dropped.
        Pipelines.FuseBranches(new StrategyPlan(FusionStrategy.S1)).Run(graph, context);
        Assert.False(context.Analyses.Has(graph));
        var fused = context.Analyses.Of(graph, context);
        Assert.NotSame(first, fused);
        Assert.Equal(2, context.Trace[PassTrace.ShapeInference]);
        Assert.True(fused.Cost.Flops < first.Cost.Flops);

        // Nothing left to fuse: the second run rewrites nothing, and the analysis stays.
        Pipelines.FuseBranches(new StrategyPlan(FusionStrategy.S1)).Run(graph, context);
        Assert.Same(fused, context.Analyses.Of(graph, context));
        Assert.Equal(2, context.Trace[PassTrace.ShapeInference]);
        Assert.Equal(2, context.Trace[PassTrace.CostAnalysis]);
    }

    [Fact]
    public void EveryPassHasAStableKebabCaseNameAndTheOpsItTargets()
    {
        var passes = new[] { Pipelines.Prepare(), Pipelines.FuseBranches(new StrategyPlan()), Pipelines.Reparameterize(new StrategyPlan()) }
            .SelectMany(p => p.Passes).ToList();
        Assert.Equal(["drop-identity", "fold-bn", "fuse-branches", "drop-identity", "fold-bn", "fuse-branches"], passes.Select(p => p.Name));
        Assert.All(passes, p => Assert.Matches("^[a-z]+(-[a-z]+)*$", p.Name));
        Assert.All(passes, p => Assert.NotEmpty(p.TargetOps));
    }

    [Fact]
    public void ShapeInferenceWarningsGoToTheContextOnce()
    {
        var model = RepVggBuild.Symbolic();
        var graph = new ModelGraph(model);
        var context = PassContext.InMemory;
        context.Analyses.Of(graph, context);
        context.Analyses.Invalidate(graph);
        context.Analyses.Of(graph, context);
        var warning = Assert.Single(context.Diagnostics.Items);
        Assert.Equal(WarningCodes.SymbolicDimensionDefaulted, warning.Code);
    }
}
