using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Pipeline;

/// <summary>measure's cut sweep extracts every cut from one S1 variant: fused and analysed once, not once per cut.</summary>
public sealed class CutSweepTraceTests
{
    [Fact]
    public void TheSweepFusesTheS1VariantOnceForAllCuts()
    {
        using var source = LoadedModel.InMemory(SampleModels.ByName("repvgg-grouped"));
        var host = DeviceCatalog.Resolve("jetson-nano");
        var result = CutSweep.Run(source, "repvgg-grouped", ShapeBindings.Empty, [host], 3, new TimingOptions(Runs: 1, Warmup: 0, Threads: 1));
        Assert.Equal(3, result.Boundaries.Count);
        Assert.Equal(6, result.Parts.Count);
        // Four structure-only variants for costing, one S1 variant with weights for every cut.
        Assert.Equal(5, result.Trace["fuse-branches"]);
        Assert.Equal(1, result.Trace["fold-bn"]);
        Assert.Equal(5, result.Trace["shape-inference"]);
        Assert.Equal(5, result.Trace["cost-analysis"]);
    }
}
