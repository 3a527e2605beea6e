using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Pipeline;

/// <summary>
/// How many times each pass and analysis runs for a default compile. RepVGG-A0: drop-identity and fold-bn once; fuse-branches
/// once per distinct variant (S1..S4 structure-only for costing, plus the chosen plan with weights); the
/// matcher once on the folded model and once per fuse; shapes and costs once per graph version (the folded
/// model and the four variants: the chosen plan's structure is one of theirs); the verifier on the loaded
/// model and after every pass. ResNet-50 has no block, so every strategy and both weight modes are one
/// variant, analysed as the folded model it equals.
/// </summary>
public sealed class CompileTraceTests
{
    private static PassTrace Compile(string sample)
    {
        using var source = LoadedModel.InMemory(SampleModels.ByName(sample));
        var settings = new PlannerSettings { Devices = DeviceCatalog.ResolveList("jetson-nano,jetson-xavier-nx") };
        var outcome = CompilePipeline.Run(source, sample, settings, ShapeBindings.Empty);
        Assert.NotEmpty(outcome.Plan.Parts);
        return outcome.Planning.Context.Trace;
    }

    [Fact]
    public void DefaultCompileOfRepVggA0()
    {
        var trace = Compile("repvgg-a0");
        Assert.Equal(
            [("cost-analysis", 5), ("drop-identity", 1), ("fold-bn", 1), ("fuse-branches", 5), ("match-repvgg", 6), ("shape-inference", 5), ("verify-graph", 8)],
            trace.Counts);
    }

    [Fact]
    public void DefaultCompileOfResNet50()
    {
        var trace = Compile("resnet50");
        Assert.Equal(
            [("cost-analysis", 1), ("drop-identity", 1), ("fold-bn", 1), ("fuse-branches", 1), ("match-repvgg", 2), ("shape-inference", 1), ("verify-graph", 4)],
            trace.Counts);
    }

    [Fact]
    public void MeasuredAccuracyFusesEachStrategyOnceWithWeightsAndTheRealizedPlanReusesIt()
    {
        using var source = LoadedModel.InMemory(RepVggBuild.Symbolic());
        var settings = new PlannerSettings { Devices = DeviceCatalog.ResolveList("jetson-nano,jetson-xavier-nx"), Accuracy = AccuracyModel.Measured };
        var outcome = CompilePipeline.Run(source, "tiny", settings, new ShapeBindings().Add("batch", 2));
        var trace = outcome.Planning.Context.Trace;
        var strategies = outcome.Plan.Parts.Select(p => p.Strategy).OfType<FusionStrategy>().Distinct().Count();
        // Four structure-only variants, four with weights (one per strategy); a plan mixing strategies is one more.
        Assert.Equal(8 + (strategies > 1 ? 1 : 0), trace[FuseBranches.Name]);
        // The folded model and the four structures: weights do not change shapes or costs.
        Assert.Equal(5, trace[PassTrace.ShapeInference]);
        Assert.Equal(5, trace[PassTrace.CostAnalysis]);
        Assert.Empty(outcome.Warnings); // the batch is bound
    }

    [Fact]
    public void FuseRunsReparameterizeOnceAndAnalysesBeforeAndAfter()
    {
        using var source = LoadedModel.InMemory(RepVggBuild.Symbolic());
        var outcome = FusePipeline.Run(source, "tiny", new StrategyPlan(FusionStrategy.S2), ShapeBindings.Empty);
        Assert.Equal(
            [("cost-analysis", 2), ("drop-identity", 1), ("fold-bn", 1), ("fuse-branches", 1), ("match-repvgg", 1), ("shape-inference", 2), ("verify-graph", 4)],
            outcome.Trace.Counts);
        var warning = Assert.Single(outcome.Warnings);
        Assert.Equal(OnnxCoDesign.Passes.Diagnostics.WarningCodes.SymbolicDimensionDefaulted, warning.Code);
    }
}
