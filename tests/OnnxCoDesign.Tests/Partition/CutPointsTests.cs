using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.IR;

namespace OnnxCoDesign.Tests.Partition;

/// <summary>Crossing tensors, bytes and atomic groups of <see cref="CutPoints"/> on graphs whose answer is known by construction.</summary>
public sealed class CutPointsTests
{
    private static (ModelGraph Graph, CutPoints Cuts) Of(Onnx.ModelProto model, IEnumerable<IEnumerable<string>>? groups = null)
    {
        var graph = new ModelGraph(model);
        return (graph, CutPoints.Of(graph, ShapeInference.Run(graph), groups));
    }

    private static string[] Names(IEnumerable<CrossingTensor> tensors) => tensors.Select(t => t.Name).ToArray();

    [Fact]
    public void A_chain_carries_one_tensor_of_known_size_per_cut()
    {
        var (_, cuts) = Of(PartitionModels.Chain(6));
        Assert.Equal(6, cuts.NodeCount);
        Assert.Equal(5, cuts.PositionCount);
        Assert.Equal([0, 1, 2, 3, 4], cuts.Candidates);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal([$"t{i}"], Names(cuts.Crossing(i)));
            Assert.Equal(1, cuts.CrossingCount(i));
            Assert.Equal(4L * 4 * 8 * 8, cuts.CrossingBytes(i));
            Assert.Equal($"n{i}", cuts.Crossing(i)[0].Producer);
        }
    }

    [Fact]
    public void The_shortcut_crosses_beside_the_branch_inside_a_residual_block()
    {
        var (_, cuts) = Of(PartitionModels.Residual());
        // Nodes: conv_a(0) relu_a(1) conv_b(2) add(3) relu_out(4).
        Assert.Equal(["x", "a"], Names(cuts.Crossing(0)));
        Assert.Equal(["x", "ra"], Names(cuts.Crossing(1)));
        Assert.Equal(["x", "b"], Names(cuts.Crossing(2)));
        Assert.Equal(["s"], Names(cuts.Crossing(3)));
        Assert.Null(cuts.Crossing(0)[0].Producer);
        Assert.Equal(2 * 8 * 6 * 6 * 4L, cuts.CrossingBytes(1));
        Assert.All(Enumerable.Range(0, 4), i => Assert.DoesNotContain(cuts.Crossing(i), t => t.Name is "wa" or "wb" or "bias"));
    }

    [Fact]
    public void An_inception_block_carries_up_to_its_four_branches()
    {
        var (graph, cuts) = Of(PartitionModels.InceptionBlockOnly());
        var counts = Enumerable.Range(0, cuts.PositionCount).Select(cuts.CrossingCount).ToArray();
        Assert.Equal(4, counts.Max());
        // Before the Concat all four branch results wait for it.
        var concat = graph.Nodes.Single(n => n.OpType == "Concat");
        Assert.Equal(concat.Order, graph.Nodes.Count - 1);
        var beforeConcat = cuts.Crossing(concat.Order - 1);
        Assert.Equal(concat.Inputs, Names(beforeConcat));
        // Until the pool branch starts, the block input is live beside the finished branches.
        var pool = graph.Nodes.Single(n => n.OpType == "MaxPool");
        Assert.Contains("input", Names(cuts.Crossing(pool.Order - 1)));
        Assert.DoesNotContain("input", Names(cuts.Crossing(pool.Order)));
        // After the first branch's conv: the block input and that conv's output.
        Assert.Equal(["input", graph.Nodes[0].Outputs[0]], Names(cuts.Crossing(0)));
    }

    [Fact]
    public void Detector_neck_carries_several_tensors_and_early_results_cross_to_the_end()
    {
        var (graph, cuts) = Of(SampleModels.Detector());
        var resizes = graph.Nodes.Where(n => n.OpType == "Resize").ToList();
        Assert.Equal(2, resizes.Count);
        // After the first upsample: the upsampled lateral, p4 (for the concat), p3 (for the second concat)
        // and lateral5 (for the stride-32 head) are all in flight.
        var neck = cuts.Crossing(resizes[0].Order);
        Assert.Equal(4, neck.Count);
        Assert.Contains(resizes[0].Outputs[0], Names(neck));
        Assert.True(neck.Count(t => t.IsGraphOutput) == 0);

        // The heads are the last three nodes; between them, finished results cross like any tensor.
        var heads = graph.Outputs.Select(o => graph.ProducerOf(o.Name)!).OrderBy(n => n.Order).ToList();
        Assert.Equal(graph.Nodes.Count - 3, heads[0].Order);
        var afterFirstHead = cuts.Crossing(heads[0].Order);
        Assert.Contains(afterFirstHead, t => t.Name == heads[0].Outputs[0] && t.IsGraphOutput);
        var afterSecondHead = cuts.Crossing(heads[1].Order);
        Assert.Equal(3, afterSecondHead.Count);
        Assert.Equal(2, afterSecondHead.Count(t => t.IsGraphOutput));
        var shapes = ShapeInference.Run(graph);
        Assert.Equal(afterSecondHead.Sum(t => shapes.TypeOf(t.Name)!.Bytes!.Value), cuts.CrossingBytes(heads[1].Order));
        Assert.True(Enumerable.Range(0, cuts.PositionCount).Max(cuts.CrossingCount) >= 4);
    }

    [Fact]
    public void All_sweeps_to_the_same_answer_as_each_cut_alone()
    {
        foreach (var model in new[] { SampleModels.Detector(), SampleModels.Inception(), RandomDag.Build(3), RandomDag.Build(11) })
        {
            var (_, cuts) = Of(model);
            var all = cuts.All().ToList();
            Assert.Equal(cuts.PositionCount, all.Count);
            foreach (var cut in all)
            {
                Assert.Equal(Names(cuts.Crossing(cut.Position)), Names(cut.Tensors));
                Assert.Equal(cuts.CrossingBytes(cut.Position), cut.Bytes);
                Assert.Equal(cuts.CrossingCount(cut.Position), cut.Tensors.Count);
            }
        }
    }

    [Fact]
    public void The_sweep_agrees_with_the_definition_on_random_graphs()
    {
        for (var seed = 0; seed < 30; seed++)
        {
            var (graph, cuts) = Of(RandomDag.Build(seed));
            var n = graph.Nodes.Count;
            for (var i = 0; i < n - 1; i++)
            {
                // The definition, recomputed from scratch: produced at or before i, read after i or a result.
                var expected = graph.Inputs.Select(v => v.Name)
                    .Concat(graph.Nodes.Take(i + 1).SelectMany(x => x.Outputs))
                    .Where(t => graph.IsGraphOutput(t) || graph.ConsumersOf(t).Any(c => c.Node.Order > i))
                    .ToHashSet();
                Assert.Equal(expected.Order(), Names(cuts.Crossing(i)).Order());
            }
        }
    }

    [Fact]
    public void Atomic_groups_exclude_the_cuts_that_would_split_them()
    {
        var (_, cuts) = Of(PartitionModels.Residual(), [["conv_b", "add"], ["relu_a"]]);
        Assert.Equal([0, 1, 3], cuts.Candidates);
        Assert.False(cuts.IsCandidate(2));
        Assert.Equal([0, 1, 3], cuts.All().Select(c => c.Position));
        Assert.Equal(4, cuts.All(includeNonCandidates: true).Count());
        // A group spanning the whole block leaves no cut inside it.
        var (_, whole) = Of(PartitionModels.Residual(), [["relu_out", "conv_a"]]);
        Assert.Empty(whole.Candidates);
    }

    [Fact]
    public void A_group_naming_an_unknown_node_is_refused()
    {
        var graph = new ModelGraph(PartitionModels.Residual());
        var e = Assert.Throws<ArgumentException>(() => CutPoints.Of(graph, null, [["conv_a", "nope"]]));
        Assert.Contains("'nope'", e.Message);
    }

    [Fact]
    public void Without_shapes_the_bytes_are_unknown_but_the_tensors_are_not()
    {
        var graph = new ModelGraph(PartitionModels.Residual());
        var cuts = CutPoints.Of(graph);
        Assert.Null(cuts.CrossingBytes(0));
        Assert.Null(cuts.At(0).Bytes);
        Assert.Equal(["x", "a"], Names(cuts.At(0).Tensors));
        Assert.Equal("conv_a", cuts.At(0).After);
    }

    [Fact]
    public void Positions_outside_the_order_are_refused()
    {
        var (_, cuts) = Of(PartitionModels.Chain(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => cuts.Crossing(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => cuts.CrossingBytes(-1));
    }

    [Fact]
    public void A_tensor_read_only_inside_a_subgraph_crosses_until_that_node()
    {
        var graph = GraphOf.Build(["c", "x"], ["y"],
            GraphOf.Relu("r0", "x", "v"),
            GraphOf.Relu("r1", "v", "w"),
            GraphOf.IfReading("if", "c", "v", "y"));
        var cuts = CutPoints.Of(graph);
        Assert.Equal(["c", "v"], Names(cuts.Crossing(1)));
    }

    [Fact]
    public void Constant_nodes_are_carried_like_initializers_not_sent()
    {
        var b = new OnnxModelBuilder("const").Input("x", ElementType.Float, 1, 4);
        b.NamedNode("k", "Constant", [], ["kv"], NodeAttributes.Tensor("value", TensorFactory.Float("kv_value", [1, 2, 3, 4], 1, 4)));
        b.NamedNode("r", "Relu", ["x"], ["rx"]);
        b.NamedNode("add", "Add", ["rx", "kv"], ["y"]);
        b.Output("y", ElementType.Float, 1, 4);
        var (_, cuts) = Of(b.Build());
        Assert.Equal(["x"], Names(cuts.Crossing(0)));
        Assert.Equal(["rx"], Names(cuts.Crossing(1)));
    }

    // Its time is bench/OnnxCoDesign.Benchmarks' CutPointsBenchmarks; a test asserts no timing.
    [Fact]
    public void Every_cut_of_a_long_chain_crosses_exactly_the_tensor_before_it()
    {
        var graph = new ModelGraph(PartitionModels.Chain(20_000));
        var cuts = CutPoints.Of(graph, ShapeInference.Run(graph));
        var all = cuts.All().ToList();
        Assert.Equal(19_999, all.Count);
        Assert.Equal(19_999, all.Sum(c => c.Tensors.Count));
        Assert.Equal(Enumerable.Range(0, 19_999).Select(i => $"t{i}"), all.Select(c => Assert.Single(c.Tensors).Name));
        Assert.Equal(["t19998"], Names(cuts.Crossing(19_998)));
    }
}
