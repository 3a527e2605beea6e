using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Tests.IR.GraphOf;

namespace OnnxCoDesign.Tests.IR;

/// <summary>Node identities: generated for unnamed and duplicated names, unique, kept across edits and copies.</summary>
public sealed class NodeIdentityTests
{
    private static string[] Names(ModelGraph graph) => graph.Nodes.Select(n => n.Name).ToArray();

    [Fact]
    public void UnnamedNodesAreNumberedPerOpTypeInTopologicalOrder()
    {
        var graph = Build(["x"], ["d"], Relu("", "x", "a"), Add("", "a", "a", "b"), Relu("", "b", "c"), Add("", "c", "c", "d"));
        Assert.Equal(["Relu_0", "Add_0", "Relu_1", "Add_1"], Names(graph));
        Assert.All(graph.Nodes, n => Assert.Equal("", n.Proto.Name));
    }

    [Fact]
    public void GeneratedIdentitiesAvoidRealNamesEvenOfLaterNodes()
    {
        var graph = Build(["x"], ["c"], Relu("", "x", "a"), Relu("Relu_0", "a", "b"), Relu("", "b", "c"));
        Assert.Equal(["Relu_1", "Relu_0", "Relu_2"], Names(graph));
    }

    [Fact]
    public void DuplicatedNamesKeepTheFirstAndNumberTheRest()
    {
        var graph = Build(["x"], ["d"], Relu("r", "x", "a"), Relu("r", "a", "b"), Relu("r#2", "b", "c"), Relu("r", "c", "d"));
        Assert.Equal(["r", "r#3", "r#2", "r#4"], Names(graph));
        Assert.Equal(["r", "r", "r#2", "r"], graph.Nodes.Select(n => n.Proto.Name));
    }

    [Fact]
    public void NodesKeepTheirIdentityWhenAnEditRemovesAnEarlierOne()
    {
        var graph = Build(["x"], ["c"], Relu("", "x", "a"), Relu("", "a", "b"), Relu("", "b", "c"));
        graph.Proto.Node.RemoveAt(0);
        graph.Proto.Node[0].Input[0] = "x";
        graph.Refresh();
        Assert.Equal(["Relu_1", "Relu_2"], Names(graph));
        // A new unnamed node takes a free identity, never one a kept node has.
        graph.Proto.Node.Add(Relu("", "c", "d"));
        graph.Proto.Node.Add(Relu("", "d", "e"));
        graph.Refresh();
        Assert.Equal(["Relu_1", "Relu_2", "Relu_0", "Relu_3"], Names(graph));
    }

    [Fact]
    public void ACopyKeepsTheIdentitiesAFreshGraphOfTheSameModelWouldRenumber()
    {
        var graph = Build(["x"], ["d"], Relu("", "x", "a"), Relu("r", "a", "b"), Relu("", "b", "c"), Relu("r", "c", "d"));
        graph.Proto.Node.RemoveAt(0);
        graph.Proto.Node[0].Input[0] = "x";
        graph.Refresh();
        var copy = graph.Copy();
        Assert.NotSame(graph.Model, copy.Model);
        Assert.Equal(["r", "Relu_1", "r#2"], Names(copy));
        copy.Proto.Node.RemoveAt(0);
        copy.Proto.Node[0].Input[0] = "x";
        copy.Refresh();
        Assert.Equal(["Relu_1", "r#2"], Names(copy));
        Assert.Equal(["Relu_0", "r"], Names(new ModelGraph(copy.Model)));
        Assert.Equal(["r", "Relu_1", "r#2"], Names(graph));
    }
}
