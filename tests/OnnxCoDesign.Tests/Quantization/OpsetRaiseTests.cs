using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Rewrite;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Quantization;

/// <summary>
/// Per-channel QDQ needs opset 13: an opset-11 model whose operators keep their meaning is raised (Unsqueeze's
/// axes attribute becomes an input, a last-axis Softmax keeps its axis) and computes exactly the same; one
/// whose operator changed meaning is refused with OCD1801 naming node and op, and left as it was.
/// </summary>
public sealed class OpsetRaiseTests
{
    /// <summary>x [1, 4, 6, 6] → Conv → GAP → Squeeze(axes 2, 3) → Unsqueeze(axes 0) → Softmax(axis) at opset 11.</summary>
    private static ModelProto Opset11(long softmaxAxis)
    {
        var b = new OnnxModelBuilder("opset11", opset: 11);
        var g = new WeightGenerator(8);
        b.Input("x", ElementType.Float, 1L, 4L, 6L, 6L);
        b.Initializer("conv.weight", g.ConvWeight(4, 4, 3, 3), 4, 4, 3, 3);
        var conv = b.NamedNode("conv", "Conv", ["x", "conv.weight"], ["c"], Ints("pads", 1, 1, 1, 1))[0];
        var pooled = b.NamedNode("gap", "GlobalAveragePool", [conv], ["g"])[0];
        var squeezed = b.NamedNode("squeeze", "Squeeze", [pooled], ["s"], Ints("axes", 2, 3))[0];
        var unsqueezed = b.NamedNode("unsqueeze", "Unsqueeze", [squeezed], ["u"], Ints("axes", 0))[0];
        var y = b.NamedNode("softmax", "Softmax", [unsqueezed], ["y"], Int("axis", softmaxAxis))[0];
        return b.Output(y).Build();
    }

    [Fact]
    public void RaisesAnOpset11ModelTo13AndItComputesExactlyTheSame()
    {
        var original = Opset11(softmaxAxis: 2);
        var model = original.Clone();
        var graph = new ModelGraph(model);
        var shapes = ShapeInference.Run(graph);

        var plan = OpsetRaise.Plan(graph, shapes);
        OpsetRaise.Apply(graph, plan!, shapes, name => name);
        graph.Refresh();

        Assert.Equal(11, plan!.From);
        Assert.Equal(["squeeze", "unsqueeze", "softmax"], plan.Changes.Select(c => c.Node.Name));
        Assert.Equal(13, model.OpsetImport.Single().Version);
        Assert.True(model.IrVersion >= 7);
        var unsqueeze = model.Graph.Node.Single(n => n.Name == "unsqueeze");
        Assert.False(unsqueeze.Has("axes"));
        Assert.Equal([0L], model.Graph.Initializer.Single(i => i.Name == unsqueeze.Input[1]).Int64Data);
        Assert.Equal(2, model.Graph.Node.Single(n => n.Name == "softmax").GetInt("axis", -1));
        GraphVerifier.Verify(graph);
        Assert.Equal(0, OrtCompare.RelativeError(original, model));
    }

    [Fact]
    public void QuantizeRaisesTheOpsetAndSaysFromWhich()
    {
        var model = Opset11(softmaxAxis: -1);
        var graph = new ModelGraph(model);

        var result = new Quantize(new ActivationRanges(new Dictionary<string, double> { ["x"] = 1 })).Run(graph, PassContext.InMemory);

        Assert.Equal(11, result.OpsetRaisedFrom);
        Assert.Equal(13, model.OpsetImport.Single().Version);
        Assert.Single(model.Graph.Node, n => n.OpType == "DequantizeLinear" && n.GetInt("axis", -1) == 0);
        RewriteChecks.WellFormed(model);
        Assert.InRange(OrtCompare.RelativeError(Opset11(softmaxAxis: -1), model), 0, 0.05);
    }

    [Fact]
    public void RefusesASoftmaxWhoseOpset11AxisIsNotTheLastAndLeavesTheModelAlone()
    {
        var original = Opset11(softmaxAxis: 1);
        var model = original.Clone();

        var e = Assert.Throws<CodesignException>(() =>
            new Quantize(new ActivationRanges(new Dictionary<string, double> { ["x"] = 1 })).Run(new ModelGraph(model), PassContext.InMemory));

        Assert.Equal(ErrorCodes.QuantizeOpsetUnsupported, e.Code);
        Assert.Contains("'softmax' (Softmax)", e.Message);
        Assert.Contains("opset 11", e.Message);
        Assert.Equal(original, model);
    }

    [Fact]
    public void RefusesAnOperatorWithoutAnOpset13Equivalent()
    {
        var b = new OnnxModelBuilder("upsample", opset: 9);
        b.Input("x", ElementType.Float, 1L, 4L, 6L, 6L);
        b.Initializer("conv.weight", new WeightGenerator(2).ConvWeight(4, 4, 1, 1), 4, 4, 1, 1);
        b.Initializer("scales", [1f, 1f, 2f, 2f], 4);
        var conv = b.NamedNode("conv", "Conv", ["x", "conv.weight"], ["c"])[0];
        var y = b.NamedNode("up", "Upsample", [conv, "scales"], ["y"])[0];
        var graph = new ModelGraph(b.Output(y).Build());

        var e = Assert.Throws<CodesignException>(() => OpsetRaise.Plan(graph, ShapeInference.Run(graph)));

        Assert.Equal(ErrorCodes.QuantizeOpsetUnsupported, e.Code);
        Assert.Contains("'up' (Upsample)", e.Message);
    }
}
