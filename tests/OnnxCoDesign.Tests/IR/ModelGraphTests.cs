using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Loading;
using static OnnxCoDesign.Tests.IR.GraphOf;

namespace OnnxCoDesign.Tests.IR;

public sealed class ModelGraphTests
{
    private static ModelProto WithInitializersAsInputs(long opset)
    {
        var model = TinyModels.ConvRelu(opset);
        model.Graph.Input.Add(TinyModels.Value("W", 16, 3, 3, 3));
        model.Graph.Input.Add(TinyModels.Value("B", 16));
        return model;
    }

    private static (GraphNode Node, int Slot) Use(ModelGraph graph, string node, int slot) => (graph.Nodes.Single(n => n.Name == node), slot);

    [Fact]
    public void InitializersListedAsGraphInputsAreNotRuntimeInputs()
    {
        var graph = new ModelGraph(WithInitializersAsInputs(opset: 8));
        Assert.Equal(["X"], graph.Inputs.Select(i => i.Name));
        Assert.True(graph.IsRuntimeInput("X"));
        Assert.False(graph.IsRuntimeInput("W"));
        Assert.True(graph.IsInitializer("W"));
        Assert.Equal(3, graph.Proto.Input.Count);
        GraphVerifier.Verify(graph);
    }

    [Fact]
    public void RuntimeInputsAreTheGraphInputsWhenNoInitializerRepeatsThem()
    {
        var graph = new ModelGraph(TinyModels.ConvRelu());
        Assert.Equal(["X"], graph.Inputs.Select(i => i.Name));
        Assert.Equal(["W", "B"], graph.Initializers.Keys.Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(["Y"], graph.Outputs.Select(o => o.Name));
        Assert.True(graph.IsGraphOutput("Y"));
        Assert.False(graph.IsGraphOutput("Y0"));
    }

    [Fact]
    public void ConstantOfFindsInitializers()
    {
        var model = TinyModels.ConvRelu();
        var graph = new ModelGraph(model);
        Assert.Same(model.Graph.Initializer[0], graph.ConstantOf("W"));
        Assert.Same(model.Graph.Initializer[1], graph.ConstantOf("B"));
    }

    [Fact]
    public void ConstantOfFindsConstantNodeValues()
    {
        var value = TinyModels.FloatTensor("c", [2f, 3f], 2);
        var graph = Build(["X"], ["Y"],
            TinyModels.Node("Constant", "const", [], ["C"], NodeAttributes.Tensor("value", value)), Add("add", "X", "C", "Y"));
        Assert.Same(value, graph.ConstantOf("C"));
    }

    [Fact]
    public void ConstantOfIsNullForComputedTensorsAndRuntimeInputs()
    {
        var graph = new ModelGraph(TinyModels.ConvRelu());
        Assert.Null(graph.ConstantOf("X"));
        Assert.Null(graph.ConstantOf("Y0"));
        Assert.Null(graph.ConstantOf("Y"));
        Assert.Null(graph.ConstantOf("nonexistent"));
    }

    [Fact]
    public void ConstantOfIgnoresConstantOpsOfOtherDomains()
    {
        var custom = TinyModels.Node("Constant", "custom", [], ["C"], NodeAttributes.Tensor("value", TinyModels.FloatTensor("c", [1f], 1)));
        custom.Domain = "com.example";
        var graph = Build(["X"], ["Y"], custom, Add("add", "X", "C", "Y"));
        Assert.Null(graph.ConstantOf("C"));
    }

    [Fact]
    public void MapsProducersAndConsumers()
    {
        var graph = new ModelGraph(TinyModels.ConvRelu());
        Assert.Equal("conv", graph.ProducerOf("Y0")?.Name);
        Assert.Equal("relu", graph.ProducerOf("Y")?.Name);
        Assert.Null(graph.ProducerOf("X"));
        Assert.Null(graph.ProducerOf("W"));
        Assert.Equal([Use(graph, "conv", 0)], graph.ConsumersOf("X"));
        Assert.Equal([Use(graph, "conv", 1)], graph.ConsumersOf("W"));
        Assert.Equal([Use(graph, "conv", 2)], graph.ConsumersOf("B"));
        Assert.Equal([Use(graph, "relu", 0)], graph.ConsumersOf("Y0"));
        Assert.Empty(graph.ConsumersOf("Y"));
        Assert.Empty(graph.ConsumersOf("nonexistent"));
    }

    [Fact]
    public void ListsAConsumerOncePerSlotItReads()
    {
        var graph = Build(["X"], ["Y", "Z"], Add("square", "X", "X", "Y"), Relu("r", "X", "Z"));
        Assert.Equal([Use(graph, "square", 0), Use(graph, "square", 1), Use(graph, "r", 0)], graph.ConsumersOf("X"));
    }

    [Fact]
    public void KeepsSlotNumbersAcrossOmittedOptionalInputs()
    {
        var graph = Build(["X", "M"], ["Y"], TinyModels.Node("Clip", "clip", ["X", "", "M"], ["Y"]));
        Assert.Equal([Use(graph, "clip", 2)], graph.ConsumersOf("M"));
        Assert.Empty(graph.ConsumersOf(""));
        Assert.Null(graph.Nodes[0].Input(1));
        Assert.Equal("M", graph.Nodes[0].Input(2));
    }

    [Fact]
    public void CountsSubgraphReferencesAsConsumersWithoutASlot()
    {
        var graph = Build(["X"], ["Y"], Relu("producer", "X", "T"), IfReading("if", "X", "T", "Y"));
        Assert.Equal([Use(graph, "if", -1)], graph.ConsumersOf("T"));
        Assert.Equal([Use(graph, "producer", 0), Use(graph, "if", 0)], graph.ConsumersOf("X"));
    }

    [Fact]
    public void RefreshFollowsEditsOfTheProto()
    {
        var graph = new ModelGraph(TinyModels.ConvRelu());
        graph.Proto.Node.Add(Relu("extra", "Y", "Z"));
        graph.Proto.Output[0].Name = "Z";
        graph.Refresh();
        Assert.Equal(["conv", "relu", "extra"], Names(graph));
        Assert.Equal([Use(graph, "extra", 0)], graph.ConsumersOf("Y"));
        Assert.Equal("extra", graph.ProducerOf("Z")?.Name);
        GraphVerifier.Verify(graph);
    }

    [Fact]
    public void ReadsTheDefaultOpsetUnderEitherName()
    {
        var model = TinyModels.ConvRelu(opset: 17);
        Assert.Equal(17, new ModelGraph(model).Opset);
        model.OpsetImport[0].Domain = "ai.onnx";
        Assert.Equal(17, new ModelGraph(model).Opset);
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        Assert.Equal(1, new ModelGraph(model).OpsetOf("com.microsoft"));
        Assert.Equal(0, new ModelGraph(model).OpsetOf("com.example"));
    }
}
