using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Partition;

/// <summary>Small hand-made graphs whose crossing tensors are known by construction.</summary>
internal static class PartitionModels
{
    /// <summary>x [1,4,8,8] → n0 → n1 → … (Relu and Sigmoid alternating) → y: one tensor of 1 KiB per cut.</summary>
    public static ModelProto Chain(int length)
    {
        var b = new OnnxModelBuilder("chain").Input("x", ElementType.Float, 1, 4, 8, 8);
        var t = "x";
        for (var i = 0; i < length; i++) t = b.NamedNode($"n{i}", i % 2 == 0 ? "Relu" : "Sigmoid", [t], [$"t{i}"])[0];
        b.Output(t, ElementType.Float, 1, 4, 8, 8);
        return b.Build();
    }

    /// <summary>
    /// A ResNet basic block: conv_a → relu_a → conv_b → add(·, x) → relu_out. Inside the block the
    /// shortcut x crosses beside the residual branch. <paramref name="batch"/> may be a symbol ("N").
    /// </summary>
    public static ModelProto Residual(object? batch = null, ulong seed = 3)
    {
        batch ??= 1L;
        var b = new OnnxModelBuilder("residual").Input("x", ElementType.Float, batch, 8L, 6L, 6L);
        var w = new WeightGenerator(seed);
        b.Initializer("wa", w.ConvWeight(8, 8, 3, 3, 1.0), 8, 8, 3, 3);
        b.Initializer("wb", w.ConvWeight(8, 8, 3, 3, 0.3), 8, 8, 3, 3);
        b.Initializer("bias", w.Bias(8), 8);
        AttributeProto[] conv = [Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1)];
        b.NamedNode("conv_a", "Conv", ["x", "wa", "bias"], ["a"], conv);
        b.NamedNode("relu_a", "Relu", ["a"], ["ra"]);
        b.NamedNode("conv_b", "Conv", ["ra", "wb", "bias"], ["b"], conv);
        b.NamedNode("add", "Add", ["b", "x"], ["s"]);
        b.NamedNode("relu_out", "Relu", ["s"], ["y"]);
        b.Output("y", ElementType.Float, batch, 8L, 6L, 6L);
        return b.Build();
    }

    /// <summary>One inception block (four branches over x, concatenated) on a 16×8×8 input.</summary>
    public static ModelProto InceptionBlockOnly()
    {
        var o = new SampleOptions();
        var (l, x) = o.Start("inception-block", 16, 8, 8);
        var y = InceptionBlock.Add(l, x, 8, 8, 12, 4, 6, 6);
        l.Builder.Output(y.Name, ElementType.Float, y.Dims(1L));
        return l.Builder.Build();
    }

    /// <summary>Node positions by name, for tests that speak of "the cut after node X".</summary>
    public static int Position(ModelGraph graph, string nodeName) => graph.Nodes.Single(n => n.Name == nodeName).Order;
}
