using BenchmarkDotNet.Attributes;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Benchmarks;

/// <summary>
/// Listing every cut of a long chain (Relu and Sigmoid alternating, one 1 KiB tensor per cut), the case
/// CutPointsTests checks for its answer: building the ranges and sweeping them should grow linearly with
/// the nodes, not quadratically. The graph and its shapes are setup, not measured.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class CutPointsBenchmarks
{
    private ModelGraph? _graph;
    private ShapeInferenceResult? _shapes;

    [Params(5_000, 20_000, 80_000)]
    public int Nodes { get; set; } = 20_000;

    [GlobalSetup]
    public void Setup()
    {
        var b = new OnnxModelBuilder("chain").Input("x", ElementType.Float, 1, 4, 8, 8);
        var t = "x";
        for (var i = 0; i < Nodes; i++) t = b.NamedNode($"n{i}", i % 2 == 0 ? "Relu" : "Sigmoid", [t], [$"t{i}"])[0];
        b.Output(t, ElementType.Float, 1, 4, 8, 8);
        _graph = new ModelGraph(b.Build());
        _shapes = ShapeInference.Run(_graph);
    }

    [Benchmark(Description = "all cuts (ranges and sweep)")]
    public int AllCuts() => CutPoints.Of(_graph!, _shapes!).All().Sum(c => c.Tensors.Count);
}
