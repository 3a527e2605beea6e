using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Partition;

/// <summary>Split models run as chains in ONNX Runtime reproduce the original.</summary>
public sealed class ChainedSplitTests
{
    public static TheoryData<int> Seeds => new(Enumerable.Range(0, 20));

    /// <summary>Property: for a random DAG, every cut gives two parts whose chain equals the original.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_cut_of_a_random_dag_chains_to_the_original(int seed)
    {
        var model = RandomDag.Build(seed);
        var original = LoadedModel.InMemory(model);
        var graph = new ModelGraph(model);
        var shapes = ShapeInference.Run(graph);
        for (var cut = 0; cut < graph.Nodes.Count - 1; cut++)
        {
            var parts = PartExtractor.Split(graph, shapes, [cut]);
            foreach (var part in parts) GraphChecks.WellFormed(part.Model);
            var report = ChainedVerifier.Compare(original, parts.Select(p => original.Derived(p.Model)).ToList(),
                new VerifyOptions { Inputs = 1, Seed = (ulong)seed, Tolerance = 1e-6 });
            Assert.True(report.Passed, $"seed {seed}, cut {cut}: " + string.Join("; ", report.Outputs.Select(o => $"{o.Name} rel {o.MaxRelativeError} {o.Problem}")));
            Assert.Equal(graph.Outputs.Count, report.Outputs.Count);
            Assert.Empty(report.ExtraOutputs);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(19)]
    public void Every_pair_of_cuts_of_a_random_dag_chains_three_parts_to_the_original(int seed)
    {
        var check = ChainCheck.For(RandomDag.Build(seed));
        var n = check.Graph.Nodes.Count;
        for (var a = 0; a < n - 2; a++)
        {
            for (var b = a + 1; b < n - 1; b++)
            {
                Assert.InRange(check.Check(a, b), 0, 1e-6);
            }
        }
    }

    [Fact]
    public void Every_cut_of_the_inception_sample_chains_to_the_original()
    {
        var check = ChainCheck.For(SampleModels.Inception());
        foreach (var cut in CutPoints.Of(check.Graph).Candidates) Assert.InRange(check.Check(cut), 0, 1e-5);
    }

    [Fact]
    public void Every_cut_of_the_detector_sample_chains_to_the_original()
    {
        var check = ChainCheck.For(SampleModels.Detector());
        foreach (var cut in CutPoints.Of(check.Graph).Candidates) Assert.InRange(check.Check(cut), 0, 1e-5);
    }

    [Fact]
    public void Evenly_spaced_cuts_of_resnet50_chain_to_the_original()
    {
        // The weights do not depend on the input size; a 64×64 input keeps the runs cheap.
        var check = ChainCheck.For(ResNet50.Build(new SampleOptions(), inputSize: 64));
        var n = check.Graph.Nodes.Count;
        var cuts = Enumerable.Range(1, 5).Select(k => k * (n - 1) / 6).ToArray();
        foreach (var cut in cuts) Assert.InRange(check.Check(cut), 0, 1e-5);
        // And all five at once: six parts.
        Assert.InRange(check.Check(cuts), 0, 1e-5);
    }

    [Fact]
    public void A_wrong_chain_fails_with_a_clear_reason()
    {
        var model = PartitionModels.Residual();
        var graph = new ModelGraph(model);
        var parts = PartExtractor.Split(graph, ShapeInference.Run(graph), [2]);
        var original = LoadedModel.InMemory(model);
        // Parts in the wrong order: the second needs what the first makes.
        var e = Assert.Throws<OnnxCoDesign.Passes.Diagnostics.CodesignException>(() =>
            ChainedVerifier.Compare(original, [original.Derived(parts[1].Model), original.Derived(parts[0].Model)], new VerifyOptions { Inputs = 1 }));
        Assert.Contains("'b'", e.Message);
        // Only the first part: the original's output is missing.
        var report = ChainedVerifier.Compare(original, [original.Derived(parts[0].Model)], new VerifyOptions { Inputs = 1 });
        Assert.False(report.Passed);
        Assert.NotNull(report.Outputs.Single().Problem);
        Assert.Equal(["b"], report.ExtraOutputs);
    }
}
