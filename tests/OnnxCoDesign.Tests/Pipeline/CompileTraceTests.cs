using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Pipeline;

/// <summary>
/// How many times each pass and analysis runs for a default compile. RepVGG-A0: fold-bn once; fuse-branches
/// once per distinct variant (S1..S4 structure-only for costing, plus the chosen plan with weights); the
/// matcher once on the folded model and once per fuse; shapes and costs once per graph version (the folded
/// model and the four variants: the chosen plan's structure is one of theirs); the verifier on the loaded
/// model and after every pass. ResNet-50 has no block, so every strategy is one variant, the folded model.
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
            [("cost-analysis", 5), ("fold-bn", 1), ("fuse-branches", 5), ("match-repvgg", 6), ("shape-inference", 5), ("verify-graph", 7)],
            trace.Counts);
    }

    [Fact]
    public void DefaultCompileOfResNet50()
    {
        var trace = Compile("resnet50");
        Assert.Equal(
            [("cost-analysis", 1), ("fold-bn", 1), ("fuse-branches", 2), ("match-repvgg", 3), ("shape-inference", 1), ("verify-graph", 4)],
            trace.Counts);
    }
}
