using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Quantization;

public sealed class CastToFp16Tests
{
    private static (ModelGraph Graph, PassResult Result) Cast(ModelProto model)
    {
        var graph = new ModelGraph(model.Clone());
        var result = Pipelines.CastFp16().Run(graph, PassContext.InMemory).Single();
        return (graph, result);
    }

    private static int TypeOf(ModelGraph graph, string tensor) =>
        graph.ConstantOf(tensor)?.DataType ?? Passes.Shapes.ShapeInference.Run(graph).TypeOf(tensor)!.ElemType;

    /// <summary>The detector (Conv, BN, Relu, MaxPool, Resize, Concat, Sigmoid heads) in fp16 computes the fp32 model within fp16's tolerance.</summary>
    [Fact]
    public void TheDetectorInFp16MatchesItsFp32FormWithinFp16Tolerance()
    {
        var model = SampleModels.Detector();
        var (graph, result) = Cast(model);
        GraphChecks.WellFormed(graph.Model);

        // The edges keep their names and float32; the weights and compute are fp16.
        Assert.Equal(model.Graph.Input.Select(i => (i.Name, i.Type.TensorType.ElemType)), graph.Model.Graph.Input.Select(i => (i.Name, i.Type.TensorType.ElemType)));
        Assert.Equal(model.Graph.Output.Select(o => (o.Name, o.Type.TensorType.ElemType)), graph.Model.Graph.Output.Select(o => (o.Name, o.Type.TensorType.ElemType)));
        var shapes = Passes.Shapes.ShapeInference.Run(graph);
        foreach (var conv in graph.Nodes.Where(n => n.OpType == "Conv"))
        {
            Assert.All(conv.Proto.Input, t => Assert.Equal(ElementType.Float16, graph.ConstantOf(t)?.DataType ?? shapes.TypeOf(t)!.ElemType));
            Assert.Equal(ElementType.Float16, shapes.TypeOf(conv.Proto.Output[0])!.ElemType);
        }
        // Each float32 input is cast once, each output is cast back once: nothing else converts.
        var casts = graph.Nodes.Where(n => n.OpType == "Cast").ToList();
        Assert.Equal(model.Graph.Input.Count + model.Graph.Output.Count, casts.Count);
        Assert.NotEmpty(result.Rewrites);

        var error = OrtCompare.RelativeError(model, graph.Model, samples: 2);
        Assert.True(error < 1e-2, $"fp16 detector deviates {error:e3} from fp32");
        Assert.True(error > 1e-6, $"the fp16 detector computes exactly what fp32 does ({error:e3}): nothing was converted");
    }

    [Fact]
    public void AResidualNetWithAGemmHeadAndASideOutputMatchesWithinFp16Tolerance()
    {
        var model = QuantizeModels.ConvResidualGemm();
        var (graph, _) = Cast(model);
        GraphChecks.WellFormed(graph.Model);
        // The side Relu reads x through the same input cast as conv1 and writes its float32 output through a Cast.
        Assert.Equal(1, graph.Nodes.Count(n => n.OpType == "Cast" && n.Inputs[0] == "x"));
        Assert.All(graph.Outputs, o => Assert.Equal("Cast", graph.ProducerOf(o.Name)!.OpType));
        var error = OrtCompare.RelativeError(model, graph.Model);
        Assert.True(error is < 1e-2 and > 1e-6, $"relative error {error:e3}");
    }

    /// <summary>Resize's scales are tensor(float) in ONNX: they stay float32 (the detector's upsampling reads them as they were).</summary>
    [Fact]
    public void ResizeScalesStayFloat32()
    {
        var model = SampleModels.Detector();
        var resizes = model.Graph.Node.Where(n => n.OpType == "Resize").ToList();
        Assert.NotEmpty(resizes);
        var (graph, _) = Cast(model);
        foreach (var resize in graph.Nodes.Where(n => n.OpType == "Resize"))
        {
            var before = resizes.Single(r => r.Name == resize.Name);
            Assert.Equal(before.Input[2], resize.Inputs[2]);
            Assert.Equal(ElementType.Float, TypeOf(graph, resize.Inputs[2]));
            Assert.Equal(ElementType.Float16, TypeOf(graph, resize.Inputs[0]));
        }
    }

    /// <summary>A Constant read only by Resize's scales keeps float32: 4/3 rounded to fp16 would change the output size (8·1.333 → 10, not 10.67 → 10; 12·1.333 → 15, not 16).</summary>
    [Fact]
    public void AConstantReadOnlyAsResizeScalesStaysFloat32()
    {
        var b = new OnnxModelBuilder("resize-const", opset: 13);
        var g = new WeightGenerator(6);
        b.Input("x", ElementType.Float, 1L, 2L, 12L, 12L);
        b.Initializer("w", g.ConvWeight(2, 2, 1, 1), 2, 2, 1, 1);
        var conv = b.Node("Conv", ["x", "w"], Ints("kernel_shape", 1, 1));
        var scales = b.NamedNode("scales", "Constant", [], ["scales_value"], Tensor("value", TensorFactory.Float("s", [1f, 1f, 4f / 3, 4f / 3], 4)))[0];
        var y = b.Node("Resize", [conv, "", scales], NodeAttributes.String("mode", "nearest"));
        var model = b.Output(y).Build();

        var (graph, _) = Cast(model);
        var constant = graph.Nodes.Single(n => n.Name == "scales");
        Assert.Equal(ElementType.Float, constant.Proto.GetTensor("value")!.DataType);
        Assert.Equal("scales_value", graph.Nodes.Single(n => n.OpType == "Resize").Inputs[2]);
        Assert.Equal([1L, 2L, 16L, 16L], Passes.Shapes.ShapeInference.Run(graph).TypeOf(graph.Outputs[0].Name)!.Dims!);
        var error = OrtCompare.RelativeError(model, graph.Model);
        Assert.True(error is < 1e-2 and > 1e-6, $"relative error {error:e3}");
    }

    /// <summary>x → Conv → Reshape(shape: int64 initializer) → Gemm: the shape tensor stays int64 and is read as it was.</summary>
    [Fact]
    public void Int64ShapeTensorsAreLeftAlone()
    {
        var b = new OnnxModelBuilder("reshape");
        var g = new WeightGenerator(3);
        b.Input("x", ElementType.Float, 1L, 2L, 4L, 4L);
        b.Initializer("w", g.ConvWeight(4, 2, 3, 3), 4, 2, 3, 3).Initializer("shape", [1L, 64L], 2).Initializer("fc", g.Uniform(64 * 5, -0.2f, 0.2f), 5, 64);
        var conv = b.Node("Conv", ["x", "w"], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        var flat = b.Node("Reshape", [conv, "shape"]);
        var y = b.Node("Gemm", [flat, "fc"], Int("transB", 1));
        var model = b.Output(y).Build();

        var (graph, _) = Cast(model);
        var reshape = graph.Nodes.Single(n => n.OpType == "Reshape");
        Assert.Equal("shape", reshape.Inputs[1]);
        Assert.Equal(ElementType.Int64, graph.ConstantOf("shape")!.DataType);
        Assert.Equal([1L, 64L], Passes.Loading.TensorValues.AsInt64(graph.ConstantOf("shape")!));
        Assert.Equal(ElementType.Float16, graph.ConstantOf("w")!.DataType);
        var error = OrtCompare.RelativeError(model, graph.Model);
        Assert.True(error is < 1e-2 and > 1e-6, $"relative error {error:e3}");
    }

    /// <summary>An opset-8 model lists its initializers as graph inputs too: their declarations follow the fp16 weights.</summary>
    [Fact]
    public void InitializersListedAsInputsAreDeclaredWithTheirNewType()
    {
        var model = ConvChain.Build(3, new SampleOptions(Opset: 8));
        var weights = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        Assert.Contains(model.Graph.Input, i => weights.Contains(i.Name));
        var (graph, _) = Cast(model);
        GraphChecks.WellFormed(graph.Model);
        Assert.All(graph.Model.Graph.Input.Where(i => weights.Contains(i.Name)), i => Assert.Equal(ElementType.Float16, i.Type.TensorType.ElemType));
        Assert.Equal(ElementType.Float, graph.Inputs.Single().Type.TensorType.ElemType);
        var error = OrtCompare.RelativeError(model, graph.Model);
        Assert.True(error is < 1e-2 and > 1e-6, $"relative error {error:e3}");
    }

    /// <summary>A model cast once has nothing float32 left inside: a second run rewrites nothing and leaves the bytes as they were.</summary>
    [Fact]
    public void AnFp16ModelIsLeftAlone()
    {
        var (once, _) = Cast(SampleModels.Detector());
        var bytes = once.Model.ToByteArray();
        var (twice, result) = Cast(once.Model);
        Assert.Empty(result.Rewrites);
        Assert.Equal(bytes, twice.Model.ToByteArray());
    }

    /// <summary>A QDQ model (explicit int8: DequantizeLinear of int8 weights) keeps its types: TensorRT builds it as typed.</summary>
    [Fact]
    public void AQdqInt8ModelIsLeftAlone()
    {
        var b = new OnnxModelBuilder("qdq", opset: 13);
        b.Input("x", ElementType.Float, 1L, 2L, 4L, 4L);
        var wq = new TensorProto { Name = "w_q", DataType = ElementType.Int8, RawData = Google.Protobuf.ByteString.CopyFrom(Enumerable.Range(0, 4 * 2 * 9).Select(i => (byte)(i % 7)).ToArray()) };
        wq.Dims.AddRange([4, 2, 3, 3]);
        b.Initializer(wq).Initializer("s", [0.02f]).Initializer("xs", [0.05f]);
        var zp = new TensorProto { Name = "zp", DataType = ElementType.Int8, RawData = Google.Protobuf.ByteString.CopyFrom([0]) };
        b.Initializer(zp);
        var xq = b.Node("QuantizeLinear", ["x", "xs", "zp"]);
        var xd = b.Node("DequantizeLinear", [xq, "xs", "zp"]);
        var w = b.Node("DequantizeLinear", ["w_q", "s", "zp"]);
        var y = b.Node("Conv", [xd, w], Ints("kernel_shape", 3, 3));
        var model = b.Output(b.Node("Relu", [y])).Build();

        var (graph, result) = Cast(model);
        Assert.Empty(result.Rewrites);
        Assert.Contains(result.LeftAlone, l => l.Reason.Contains("QDQ model"));
        Assert.Equal(model.ToByteArray(), graph.Model.ToByteArray());
    }

    /// <summary>An fp16 wire's receiver (float16 input, Cast to FLOAT in front) reads its input with no extra conversion.</summary>
    [Fact]
    public void AnFp16WireInputIsReadWithoutARoundTrip()
    {
        var b = new OnnxModelBuilder("receiver");
        var g = new WeightGenerator(4);
        b.Input("t__fp16", ElementType.Float16, 1L, 2L, 4L, 4L);
        b.Initializer("w", g.ConvWeight(3, 2, 1, 1), 3, 2, 1, 1);
        b.NamedNode("decode", "Cast", ["t__fp16"], ["t"], Int("to", ElementType.Float));
        var y = b.Node("Conv", ["t", "w"], Ints("kernel_shape", 1, 1));
        var model = b.Output(y).Build();

        var (graph, _) = Cast(model);
        // The decode now casts fp16 to fp16 (the identity), the Conv reads it directly, and only the output is cast back.
        Assert.Equal(ElementType.Float16, graph.Nodes.Single(n => n.Name == "decode").Proto.GetInt("to", 0));
        Assert.Equal("t", graph.Nodes.Single(n => n.OpType == "Conv").Inputs[0]);
        Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "Cast"));
        GraphChecks.WellFormed(graph.Model);
    }
}
