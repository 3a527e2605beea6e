using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Loading;
using static OnnxCoDesign.Tests.IR.GraphOf;

namespace OnnxCoDesign.Tests.IR;

public sealed class TopologicalOrderTests
{
    /// <summary>Every input a node reads (directly or from a subgraph) is produced by an earlier node, or by no node.</summary>
    private static void AssertTopological(ModelGraph graph)
    {
        var position = graph.Nodes.ToDictionary(n => n, n => n.Order);
        foreach (var node in graph.Nodes)
        {
            Assert.Equal(node.Order, graph.Nodes.ToList().IndexOf(node));
            foreach (var input in node.Inputs.Concat(node.ImplicitInputs).Where(i => i.Length > 0))
            {
                if (graph.ProducerOf(input) is { } producer) Assert.True(position[producer] < node.Order, $"{node} reads {input} before {producer} writes it");
            }
        }
    }

    [Fact]
    public void SortsAGraphListedInReverse()
    {
        var chain = Enumerable.Range(0, 6).Select(i => Relu($"n{i}", i == 0 ? "X" : $"T{i - 1}", i == 5 ? "Y" : $"T{i}")).Reverse().ToArray();
        var graph = Build(["X"], ["Y"], chain);
        Assert.Equal(["n0", "n1", "n2", "n3", "n4", "n5"], Names(graph));
        AssertTopological(graph);
        GraphVerifier.Verify(graph);
    }

    [Fact]
    public void KeepsFileOrderWhenAlreadySorted()
    {
        // A diamond admits two orders (left before right, or right before left); the file's one is kept.
        var graph = Build(["X"], ["Y"],
            Relu("top", "X", "A"), Relu("right", "A", "R"), Relu("left", "A", "L"), Add("bottom", "L", "R", "Y"));
        Assert.Equal(["top", "right", "left", "bottom"], Names(graph));
    }

    [Fact]
    public void KeepsFileOrderOfIndependentNodes()
    {
        var graph = Build(["X"], ["C", "B", "A"], Relu("c", "X", "C"), Relu("b", "X", "B"), Relu("a", "X", "A"));
        Assert.Equal(["c", "b", "a"], Names(graph));
    }

    [Fact]
    public void MovesOnlyWhatMustMove()
    {
        // "late" is listed before its producer; everything else is in order and keeps its place.
        var graph = Build(["X"], ["Y", "Z"],
            Relu("first", "X", "A"), Relu("late", "B", "Y"), Relu("second", "A", "B"), Relu("third", "X", "Z"));
        Assert.Equal(["first", "second", "late", "third"], Names(graph));
    }

    [Fact]
    public void OrdersTheProducerOfASubgraphReferenceFirst()
    {
        var graph = Build(["X"], ["Y"], IfReading("if", "X", "T", "Y"), Relu("producer", "X", "T"));
        Assert.Equal(["producer", "if"], Names(graph));
        Assert.Equal(["T"], graph.Nodes[1].ImplicitInputs);
        AssertTopological(graph);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SortsAShuffledRandomGraph(int seed)
    {
        // Node i reads the graph input and up to three outputs of earlier nodes; the listing is shuffled.
        var random = new Random(seed);
        var nodes = new List<NodeProto>();
        for (var i = 0; i < 40; i++)
        {
            var inputs = Enumerable.Range(0, random.Next(0, 4)).Where(_ => i > 0).Select(_ => $"T{random.Next(i)}").Prepend("X").ToArray();
            nodes.Add(TinyModels.Node("Sum", $"n{i}", inputs, [$"T{i}"]));
        }
        var graph = Build(["X"], ["T39"], nodes.OrderBy(_ => random.Next()).ToArray());
        Assert.Equal(40, graph.Nodes.Count);
        AssertTopological(graph);
        GraphVerifier.Verify(graph);
    }

    [Fact]
    public void NamesUnnamedNodesByTypeAndPosition()
    {
        var graph = Build(["X"], ["Y"], Relu("", "T", "Y"), Relu("", "X", "T"));
        Assert.Equal(["Relu_0", "Relu_1"], Names(graph));
    }
}
