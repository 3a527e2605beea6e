using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Shapes;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Cost;

/// <summary>
/// The kernels <see cref="KernelGrouping"/> forms: which nodes fuse (contraction epilogues, pointwise chains, SiLU,
/// folded Pads, free views), which must not (a tensor with a second reader, a graph output, a reflect Pad, a second
/// residual Add, ONNX Runtime's unfused elementwise ops), and the bytes a kernel moves (its external tensors only).
/// </summary>
public sealed class KernelGroupingTests
{
    private const long C = 8, H = 16, W = 16;
    private const long Act = C * H * W * 4; // bytes of one 1x8x16x16 float tensor
    private const long Weights = C * C * 3 * 3 * 4, Bias = C * 4;

    private static OpGraph Start() =>
        new OpGraph(13).Input("x", 1, C, H, W).Weight("w", C, C, 3, 3).Weight("b", C).Weight("w2", C, C, 3, 3).Weight("b2", C)
            .Weight("s", C).Weight("m", C).Weight("v", C).Weight("k", 1, C, 1, 1);

    private static OpGraph Conv(OpGraph g, string input, string output, string w = "w", string b = "b") =>
        g.Node("Conv", [input, w, b], [output], Is("kernel_shape", 3, 3), Is("pads", 1, 1, 1, 1));

    private static KernelReport Group(OpGraph g, KernelRules? rules = null)
    {
        var graph = new ModelGraph(g.WithGraphOutputs());
        var shapes = ShapeInference.Run(graph);
        return KernelGrouping.Run(graph, shapes, AnnotateCost.Run(graph, shapes), rules);
    }

    private static List<string> Ops(OpGraph g, Kernel k) =>
        k.Nodes.Select(n => g.Model.Graph.Node.Single(p => p.Name == n).OpType).ToList();

    [Fact]
    public void ConvBatchNormResidualAddReluIsOneKernelReadingOnlyItsExternalTensors()
    {
        var g = Start();
        Conv(g, "x", "c");
        g.Node("BatchNormalization", ["c", "s", "b", "m", "v"], ["n"]).Node("Add", ["n", "x"], ["a"]).Node("Relu", ["a"], ["y"]).Outputs("y");
        var kernel = Assert.Single(Group(g).Kernels);
        Assert.Equal(KernelKind.Contraction, kernel.Kind);
        Assert.Equal("Conv", kernel.OpType);
        Assert.Equal(["Conv", "BatchNormalization", "Add", "Relu"], Ops(g, kernel));
        // x once (conv input and skip), the weights, bias and BN's four vectors (b is shared with the conv: once).
        Assert.Equal(Act + Weights + Bias + 3 * Bias, kernel.BytesRead);
        Assert.Equal(Act, kernel.BytesWritten);
        var flops = 2 * C * H * W * C * 9 + C * H * W + 2 * C * H * W + C * H * W + C * H * W;
        Assert.Equal(flops, kernel.Flops);
    }

    [Fact]
    public void AConvOutputWithASecondReaderEndsTheKernelThere()
    {
        var g = Start();
        Conv(g, "x", "c");
        g.Node("Relu", ["c"], ["r"]).Node("Add", ["r", "c"], ["y"]).Outputs("y");
        var kernels = Group(g).Kernels;
        // c is read twice: the Conv ends there and writes c; the Relu and the Add that reads c again are one chain.
        Assert.Equal(2, kernels.Count);
        Assert.Equal(["Conv"], Ops(g, kernels[0]));
        Assert.Equal(Act, kernels[0].BytesWritten);
        Assert.Equal(["Relu", "Add"], Ops(g, kernels[1]));
        Assert.Equal(Act, kernels[1].BytesRead);
    }

    [Fact]
    public void AGraphOutputIsWrittenAndEndsTheEpilogue()
    {
        var g = Start();
        Conv(g, "x", "c");
        g.Node("Relu", ["c"], ["y"]).Outputs("y", "c");
        var kernels = Group(g).Kernels;
        Assert.Equal(2, kernels.Count);
        Assert.Equal(["Conv"], Ops(g, kernels[0]));
    }

    [Fact]
    public void TwoResidualAddsFuseOnlyTheFirst()
    {
        var g = Start();
        Conv(g, "x", "c");
        g.Node("Add", ["c", "x"], ["a"]).Node("Add", ["a", "x"], ["a2"]).Node("Relu", ["a2"], ["y"]).Outputs("y");
        var report = Group(g);
        Assert.Equal(["Conv", "Add"], Ops(g, report.Kernels[0]));
        // The second Add and the Relu form a pointwise chain under TensorRT's rules.
        Assert.Equal(["Add", "Relu"], Ops(g, report.Kernels[1]));
        Assert.Equal(KernelKind.Pointwise, report.Kernels[1].Kind);
    }

    [Fact]
    public void SiluAfterAConvIsItsActivation()
    {
        var g = Start();
        Conv(g, "x", "c");
        g.Node("Sigmoid", ["c"], ["sg"]).Node("Mul", ["c", "sg"], ["y"]).Outputs("y");
        var kernel = Assert.Single(Group(g).Kernels);
        Assert.Equal(["Conv", "Sigmoid", "Mul"], Ops(g, kernel));
        Assert.Equal(Act, kernel.BytesWritten);
    }

    [Fact]
    public void AConstantPadBeforeAConvIsFoldedAndAReflectPadIsNot()
    {
        var constant = Start().Ints("p", 0, 0, 1, 1, 0, 0, 1, 1);
        constant.Node("Pad", ["x", "p"], ["xp"]).Node("Conv", ["xp", "w", "b"], ["y"], Is("kernel_shape", 3, 3)).Outputs("y");
        var folded = Assert.Single(Group(constant).Kernels);
        Assert.Equal(["Pad", "Conv"], Ops(constant, folded));
        Assert.Equal("Conv_1", folded.Name);
        Assert.Equal(Act + Weights + Bias + 8 * 8, folded.BytesRead); // the padded tensor never leaves the kernel

        var reflect = Start().Ints("p", 0, 0, 1, 1, 0, 0, 1, 1);
        reflect.Node("Pad", ["x", "p"], ["xp"], S("mode", "reflect")).Node("Conv", ["xp", "w", "b"], ["y"], Is("kernel_shape", 3, 3)).Outputs("y");
        var kernels = Group(reflect).Kernels;
        Assert.Equal(2, kernels.Count);
        Assert.Equal(KernelKind.Other, kernels[0].Kind);
    }

    [Fact]
    public void PointwiseChainsFuseUnderTensorRtAndNotUnderOnnxRuntimeCpu()
    {
        var g = Start();
        g.Node("Mul", ["x", "k"], ["a"]).Node("Add", ["a", "x"], ["b1"]).Node("Sigmoid", ["b1"], ["y"]).Outputs("y");
        var trt = Group(g, KernelRules.TensorRt);
        var chain = Assert.Single(trt.Kernels);
        Assert.Equal(KernelKind.Pointwise, chain.Kind);
        Assert.Equal(Act + C * 4, chain.BytesRead);
        Assert.Equal(Act, chain.BytesWritten);
        var ort = Group(g, KernelRules.OnnxRuntimeCpu);
        Assert.Equal(3, ort.Kernels.Count);
        Assert.All(ort.Kernels, k => Assert.Single(k.Nodes));
    }

    [Fact]
    public void ViewsAreFreeAndEndNoChain()
    {
        var g = Start().Ints("shape", 1, -1);
        g.Node("Relu", ["x"], ["r"]).Node("Reshape", ["r", "shape"], ["f"]).Node("Relu", ["f"], ["y"]).Outputs("y");
        var report = Group(g);
        Assert.Equal(3, report.Kernels.Count);
        var view = report.Of("Reshape_1");
        Assert.True(view.IsFree);
        Assert.Equal(0, view.Bytes);
        Assert.Equal(2, report.Launched);
    }

    [Fact]
    public void OnnxRuntimeStillFusesTheConvEpilogue()
    {
        var g = Start();
        Conv(g, "x", "c");
        g.Node("Add", ["c", "x"], ["a"]).Node("Relu", ["a"], ["y"]).Outputs("y");
        Assert.Equal(["Conv", "Add", "Relu"], Ops(g, Assert.Single(Group(g, KernelRules.OnnxRuntimeCpu).Kernels)));
    }

    [Fact]
    public void ASubsetIsGroupedAsAModelOfItsOwn()
    {
        var g = Start();
        Conv(g, "x", "c");
        g.Node("Add", ["c", "x"], ["a"]).Node("Relu", ["a"], ["y"]).Outputs("y");
        var graph = new ModelGraph(g.WithGraphOutputs());
        var shapes = ShapeInference.Run(graph);
        var grouping = new KernelGrouping(graph, shapes, AnnotateCost.Run(graph, shapes), KernelRules.TensorRt);
        var left = grouping.Group(graph.Nodes.Take(2).ToList());
        var kernel = Assert.Single(left);
        Assert.Equal(2, kernel.Nodes.Count);
        Assert.Equal(Act, kernel.BytesWritten); // a is read by the Relu outside the subset
        var right = Assert.Single(grouping.Group(graph.Nodes.Skip(2).ToList()));
        Assert.Equal(Act, right.BytesRead);
    }
}
