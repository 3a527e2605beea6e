using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Checking;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Wire;
using OnnxCoDesign.Tests.Loading;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Wire.WireModels;

namespace OnnxCoDesign.Tests.Wire;

public sealed class WireCodecTests
{
    private static ModelGraph Graph(ModelProto model) => new(model.Clone());

    /// <summary>The model as a saved file reads it back: what ONNX Runtime and TensorRT get.</summary>
    private static ModelProto Saved(ModelGraph graph) => ModelProto.Parser.ParseFrom(graph.Model.ToByteArray());

    private static void Valid(ModelProto model, string name)
    {
        ModelChecker.Check(model, name);
        GraphChecks.WellFormed(model);
    }

    private static TypeProto.Types.Tensor TypeOf(IEnumerable<ValueInfoProto> values, string name) => values.Single(v => v.Name == name).Type.TensorType;

    /// <summary>part0 encoded, part1 decoded, chained in ONNX Runtime: part1's y and the wire tensor part0 sends.</summary>
    private static (float[] Y, TensorData Wire, float[] T) Chain(WireTensor wire, float[] x)
    {
        var p0 = Graph(Part0());
        var p1 = Graph(Part1());
        WireCodec.EncodeOutputs(p0, [wire]);
        WireCodec.DecodeInputs(p1, [wire]);
        var sent = Run(Saved(p0), ("x", TensorData.FromFloats(x, XShape)))[wire.WireName];
        var y = Run(Saved(p1), (wire.WireName, sent))["y"];
        var t = Floats(Run(Part0(), ("x", TensorData.FromFloats(x, XShape)))["t"]);
        return (Floats(y), sent, t);
    }

    private static float[] Part1On(float[] t) => Floats(Run(Part1(), ("t", TensorData.FromFloats(t, TShape)))["y"]);

    [Fact]
    public void AnFp16WireDeliversTRoundedToFp16AndTheChainEqualsTheFp32ModelOnTheRoundedTensor()
    {
        var x = Input(5, XShape);
        var (y, sent, t) = Chain(new WireTensor("t", WireEncoding.Fp16), x);

        Assert.Equal(ElementType.Float16, sent.ElemType);
        Assert.Equal(TShape, sent.Shape);
        Assert.Equal(t.Select(Fp16).ToArray(), Floats(sent));
        var expected = Part1On(t.Select(Fp16).ToArray());
        Assert.True(RelativeError(expected, y) <= 1e-6, $"relative error {RelativeError(expected, y)}");
        // The rounding is real: the fp32 chain gives something else.
        Assert.True(RelativeError(Part1On(t), y) > 1e-6);
    }

    [Fact]
    public void AnInt8WireDeliversTheHandFakeQuantAndTheChainEqualsTheFp32ModelOnIt()
    {
        var x = Input(6, XShape);
        var t = Floats(Run(Part0(), ("x", TensorData.FromFloats(x, XShape)))["t"]);
        // A range below the tensor's maximum, so the largest values saturate at 127.
        var scale = WireTensor.Int8Scale(0.7 * t.Max());
        var (y, sent, _) = Chain(new WireTensor("t", WireEncoding.Int8, scale), x);

        Assert.Equal(ElementType.Int8, sent.ElemType);
        Assert.Equal(t.Select(v => (double)Quantize(v, scale)).ToArray(), sent.ToDoubles());
        Assert.Contains(127.0, sent.ToDoubles());
        var expected = Part1On(t.Select(v => FakeQuant(v, scale)).ToArray());
        Assert.True(RelativeError(expected, y) <= 1e-5, $"relative error {RelativeError(expected, y)}");
        Assert.True(RelativeError(Part1On(t), y) > 1e-4);
    }

    [Theory]
    [InlineData(WireEncoding.Fp16, ElementType.Float16, "Cast")]
    [InlineData(WireEncoding.Int8, ElementType.Int8, "DequantizeLinear")]
    public void SavedPartsDeclareTheWireTypesAtTheSamePositionsAndPassTheChecker(WireEncoding encoding, int elemType, string decodeOp)
    {
        var wire = new WireTensor("t", encoding, 0.05f);
        var p0 = Graph(Part0());
        var p1 = Graph(Part1());
        WireCodec.EncodeOutputs(p0, [wire]);
        WireCodec.DecodeInputs(p1, [wire]);
        var s0 = Saved(p0);
        var s1 = Saved(p1);
        Valid(s0, "part0");
        Valid(s1, "part1");

        Assert.Equal([wire.WireName], s0.Graph.Output.Select(o => o.Name));
        Assert.Equal(elemType, s0.Graph.Output[0].Type.TensorType.ElemType);
        Assert.Equal(TShape, s0.Graph.Output[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        // t stays inside part0 as the encode's input, with its float32 type.
        Assert.Equal(ElementType.Float, TypeOf(s0.Graph.ValueInfo, "t").ElemType);

        Assert.Equal([wire.WireName], s1.Graph.Input.Select(i => i.Name));
        Assert.Equal(elemType, s1.Graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal(TShape, s1.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        // The decode comes first and writes t; conv2 reads t by name, unchanged.
        Assert.Equal(decodeOp, s1.Graph.Node[0].OpType);
        Assert.Equal(wire.WireName, s1.Graph.Node[0].Input[0]);
        Assert.Equal("t", s1.Graph.Node[0].Output[0]);
        Assert.Equal("t", s1.Graph.Node.Single(n => n.Name == "conv2").Input[0]);
    }

    [Fact]
    public void AnInt8ZeroPointIsAnInt8ScalarZeroAndTheScaleTheGivenOne()
    {
        var p0 = Graph(Part0());
        WireCodec.EncodeOutputs(p0, [new WireTensor("t", WireEncoding.Int8, 0.25f)]);
        var q = p0.Nodes.Single(n => n.OpType == "QuantizeLinear");
        Assert.Equal("t", q.Inputs[0]);
        var scale = p0.Initializers[q.Inputs[1]];
        var zero = p0.Initializers[q.Inputs[2]];
        Assert.Empty(scale.Dims);
        Assert.Empty(zero.Dims);
        Assert.Equal(ElementType.Float, scale.DataType);
        Assert.Equal(ElementType.Int8, zero.DataType);
        Assert.Equal(0.25f, BitConverter.ToSingle(scale.RawData.ToByteArray()));
        Assert.Equal([(byte)0], zero.RawData.ToByteArray());
    }

    [Fact]
    public void AnEncodedOutputStaysReadableByThePartsOwnNodesAndTheOtherOutputsKeepTheirPlaces()
    {
        var graph = Graph(TwoReaders());
        WireCodec.EncodeOutputs(graph, [new WireTensor("t", WireEncoding.Fp16)]);
        Assert.Equal(["t__fp16", "y1", "y2"], graph.Outputs.Select(o => o.Name));
        Assert.Equal("t", graph.Nodes.Single(n => n.Name == "relu").Inputs[0]);
        Assert.Equal("t", graph.Nodes.Single(n => n.Name == "neg").Inputs[0]);
        Valid(Saved(graph), "two-readers");

        var x = Input(7, [2, 8]);
        var outputs = Run(Saved(graph), ("x", TensorData.FromFloats(x, 2, 8)));
        Assert.Equal(x.Select(v => Fp16(v * 2)).ToArray(), Floats(outputs["t__fp16"]));
        Assert.Equal(x.Select(v => -(v * 2)).ToArray(), Floats(outputs["y2"]));
    }

    [Fact]
    public void Int8BelowOpset10RaisesTheOpsetAndFp16LeavesIt()
    {
        var int8 = Graph(Part0(opset: 9));
        WireCodec.EncodeOutputs(int8, [new WireTensor("t", WireEncoding.Int8, 0.05f)]);
        Assert.Equal(13, int8.Opset);
        Valid(Saved(int8), "part0-opset9");
        var x = Input(8, XShape);
        var t = Floats(Run(Part0(opset: 9), ("x", TensorData.FromFloats(x, XShape)))["t"]);
        Assert.Equal(t.Select(v => (double)Quantize(v, 0.05f)).ToArray(), Run(Saved(int8), ("x", TensorData.FromFloats(x, XShape)))["t__int8"].ToDoubles());

        var fp16 = Graph(Part0(opset: 9));
        WireCodec.EncodeOutputs(fp16, [new WireTensor("t", WireEncoding.Fp16)]);
        Assert.Equal(9, fp16.Opset);
        Valid(Saved(fp16), "part0-opset9-fp16");
    }

    [Fact]
    public void RoundTripOfAGraphOutputKeepsItsNameAndDeliversTheDecodedValue()
    {
        var graph = Graph(Part1());
        WireCodec.RoundTrip(graph, [new WireTensor("y", WireEncoding.Fp16)]);
        Assert.Equal(["y"], graph.Outputs.Select(o => o.Name));
        Assert.Equal(["t"], graph.Inputs.Select(i => i.Name));
        Assert.Equal("Cast", graph.ProducerOf("y")!.OpType);
        Valid(Saved(graph), "part1-roundtrip");

        var t = Input(9, TShape, 0, 3);
        var y = Floats(Run(Saved(graph), ("t", TensorData.FromFloats(t, TShape)))["y"]);
        Assert.Equal(Part1On(t).Select(Fp16).ToArray(), y);
    }

    [Fact]
    public void RoundTripOfATensorReadByTwoNodesFeedsBothAndTheGraphOutputTheDecodedValue()
    {
        const float scale = 0.03f;
        var graph = Graph(TwoReaders());
        WireCodec.RoundTrip(graph, [new WireTensor("t", WireEncoding.Int8, scale)]);
        Assert.Equal(["t", "y1", "y2"], graph.Outputs.Select(o => o.Name));
        Assert.Equal("DequantizeLinear", graph.ProducerOf("t")!.OpType);
        Assert.Equal("t", graph.Nodes.Single(n => n.Name == "relu").Inputs[0]);
        Assert.Equal("t", graph.Nodes.Single(n => n.Name == "neg").Inputs[0]);
        Valid(Saved(graph), "two-readers-roundtrip");

        var x = Input(10, [2, 8]);
        var outputs = Run(Saved(graph), ("x", TensorData.FromFloats(x, 2, 8)));
        var decoded = x.Select(v => FakeQuant(v * 2, scale)).ToArray();
        Assert.Equal(decoded, Floats(outputs["t"]));
        Assert.Equal(decoded.Select(v => Math.Max(v, 0f)).ToArray(), Floats(outputs["y1"]));
        Assert.Equal(decoded.Select(v => -v).ToArray(), Floats(outputs["y2"]));
    }

    [Fact]
    public void RoundTripOfAGraphInputKeepsTheInputAndRewiresItsReaders()
    {
        var graph = Graph(TwoReaders());
        WireCodec.RoundTrip(graph, [new WireTensor("x", WireEncoding.Fp16)]);
        Assert.Equal(["x"], graph.Inputs.Select(i => i.Name));
        var mul = graph.Nodes.Single(n => n.Name == "double");
        Assert.Equal("Cast", graph.ProducerOf(mul.Inputs[0])!.OpType);
        Valid(Saved(graph), "two-readers-input");

        var x = Input(11, [2, 8], -70000, 70000);
        var t = Floats(Run(Saved(graph), ("x", TensorData.FromFloats(x, 2, 8)))["t"]);
        // Beyond ±65504 fp16 holds ±∞, as on the device.
        Assert.Equal(x.Select(v => Fp16(v) * 2).ToArray(), t);
        Assert.Contains(t, float.IsInfinity);
    }

    [Fact]
    public void DecodeToOutputsAddsTheReceivedTensorsAndOrdersTheOutputsAsTheModelDoes()
    {
        var graph = Graph(Part1());
        // The model's outputs: u, y, v; u and v were produced upstream and arrive converted.
        graph.Proto.ValueInfo.Add(WireValue("u", ElementType.Float, 2, 3));
        graph.Proto.ValueInfo.Add(WireValue("v", ElementType.Float, 4));
        WireCodec.DecodeToOutputs(graph, [new WireTensor("u", WireEncoding.Fp16), new WireTensor("v", WireEncoding.Int8, 0.5f)], ["u", "y", "v"]);

        Assert.Equal(["u", "y", "v"], graph.Outputs.Select(o => o.Name));
        Assert.Equal(["t", "u__fp16", "v__int8"], graph.Inputs.Select(i => i.Name));
        Assert.Equal(ElementType.Float16, TypeOf(graph.Inputs, "u__fp16").ElemType);
        Assert.Equal([2L, 3L], TypeOf(graph.Inputs, "u__fp16").Shape.Dim.Select(d => d.DimValue));
        Assert.Equal([2L, 3L], TypeOf(graph.Outputs, "u").Shape.Dim.Select(d => d.DimValue));
        Assert.Equal(ElementType.Int8, TypeOf(graph.Inputs, "v__int8").ElemType);
        Assert.Equal([4L], TypeOf(graph.Inputs, "v__int8").Shape.Dim.Select(d => d.DimValue));
        Assert.All(graph.Outputs, o => Assert.Equal(ElementType.Float, o.Type.TensorType.ElemType));
        Assert.DoesNotContain(graph.Proto.ValueInfo, v => v.Name is "u" or "v");
        Valid(Saved(graph), "last-part");

        var u = new TensorData(ElementType.Float16, [2, 3], Enumerable.Range(0, 6).SelectMany(i => BitConverter.GetBytes((Half)(i * 0.1f))).ToArray());
        var v = new TensorData(ElementType.Int8, [4], [unchecked((byte)-128), 0, 3, 127]);
        var outputs = Run(Saved(graph), ("t", TensorData.FromFloats(Input(12, TShape), TShape)), ("u__fp16", u), ("v__int8", v));
        Assert.Equal(u.ToDoubles().Select(d => (float)d).ToArray(), Floats(outputs["u"]));
        Assert.Equal([-64f, 0f, 1.5f, 63.5f], Floats(outputs["v"]));
    }

    [Fact]
    public void DecodeToOutputsRefusesAnUpstreamTensorWithoutADeclaredShape()
    {
        var model = Part1();
        var graph = Graph(model);
        var e = Assert.Throws<ArgumentException>(() => WireCodec.DecodeToOutputs(graph, [new WireTensor("u", WireEncoding.Fp16)], ["u", "y"]));
        Assert.Contains("'u'", e.Message);
        Assert.Equal(model, graph.Model);

        graph.Proto.ValueInfo.Add(WireValue("u", ElementType.Int64, 2));
        Refusal.Expect("OCD1820", () => WireCodec.DecodeToOutputs(graph, [new WireTensor("u", WireEncoding.Fp16)], ["u", "y"]));
    }

    [Fact]
    public void DecodeToOutputsOfATensorTheNodesAlsoReadDecodesItOnce()
    {
        var wire = new WireTensor("t", WireEncoding.Fp16);
        var graph = Graph(Part1());
        WireCodec.DecodeInputs(graph, [wire]);
        WireCodec.DecodeToOutputs(graph, [wire], ["t", "y"]);
        Assert.Equal(["t", "y"], graph.Outputs.Select(o => o.Name));
        Assert.Equal(["t__fp16"], graph.Inputs.Select(i => i.Name));
        Assert.Single(graph.Nodes, n => n.OpType == "Cast");
        Valid(Saved(graph), "part1-t-out");

        // A float32 input the part delivers as it is decoded the same way.
        var direct = Graph(Part1());
        WireCodec.DecodeToOutputs(direct, [wire], ["y", "t"]);
        Assert.Equal(["y", "t"], direct.Outputs.Select(o => o.Name));
        Assert.Equal(Saved(graph).Graph.Node.Select(n => n.OpType), Saved(direct).Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void AnEmptyListChangesNothing()
    {
        foreach (var model in new[] { Part0(), Part1(), TwoReaders() })
        {
            var graph = Graph(model);
            WireCodec.EncodeOutputs(graph, []);
            WireCodec.DecodeInputs(graph, []);
            WireCodec.RoundTrip(graph, []);
            WireCodec.DecodeToOutputs(graph, [], graph.Outputs.Select(o => o.Name).ToList());
            Assert.Equal(model, graph.Model);
        }
    }

    [Fact]
    public void ANonFloatTensorIsRefusedAndTheGraphLeftAsItWas()
    {
        var b = new Samples.OnnxModelBuilder("shape-out");
        b.Input("x", ElementType.Float, 2L, 3L);
        b.NamedNode("shape", "Shape", ["x"], ["s"]);
        var model = b.Output("s", ElementType.Int64, 2L).Build();
        var graph = Graph(model);
        var e = Refusal.Expect("OCD1820", () => WireCodec.EncodeOutputs(graph, [new WireTensor("s", WireEncoding.Fp16)]));
        Assert.Contains("'s' is int64", e.Message);
        Refusal.Expect("OCD1820", () => WireCodec.RoundTrip(graph, [new WireTensor("s", WireEncoding.Int8, 1f)]));
        Assert.Equal(model, graph.Model);

        var ints = new Samples.OnnxModelBuilder("int-in");
        ints.Input("i", ElementType.Int64, 2L);
        ints.NamedNode("neg", "Neg", ["i"], ["o"]);
        var intModel = ints.Output("o", ElementType.Int64, 2L).Build();
        var intGraph = Graph(intModel);
        Refusal.Expect("OCD1820", () => WireCodec.DecodeInputs(intGraph, [new WireTensor("i", WireEncoding.Fp16)]));
        Assert.Equal(intModel, intGraph.Model);
    }

    [Fact]
    public void ATakenWireNameIsRefused()
    {
        var b = new Samples.OnnxModelBuilder("taken");
        b.Input("t", ElementType.Float, 2L);
        b.NamedNode("relu", "Relu", ["t"], ["t__fp16"]);
        var model = b.Output("t__fp16", ElementType.Float, 2L).Build();
        var graph = Graph(model);
        var e = Refusal.Expect("OCD1820", () => WireCodec.DecodeInputs(graph, [new WireTensor("t", WireEncoding.Fp16)]));
        Assert.Contains("'t__fp16'", e.Message);
        Assert.Equal(model, graph.Model);
    }

    [Fact]
    public void BadUseIsAnArgumentErrorAndTheGraphLeftAsItWas()
    {
        var model = Part0();
        var graph = Graph(model);
        // Not a graph output, not a graph input, listed twice, scales that are no scales.
        Assert.Throws<ArgumentException>(() => WireCodec.EncodeOutputs(graph, [new WireTensor("c1", WireEncoding.Fp16)]));
        Assert.Throws<ArgumentException>(() => WireCodec.DecodeInputs(graph, [new WireTensor("t", WireEncoding.Fp16)]));
        Assert.Throws<ArgumentException>(() => WireCodec.DecodeInputs(graph, [new WireTensor("w1", WireEncoding.Fp16)]));
        Assert.Throws<ArgumentException>(() => WireCodec.EncodeOutputs(graph, [new WireTensor("t", WireEncoding.Fp16), new WireTensor("t", WireEncoding.Fp16)]));
        Assert.Throws<ArgumentException>(() => WireCodec.DecodeToOutputs(graph, [new WireTensor("c1", WireEncoding.Fp16)], ["t"]));
        Assert.Throws<ArgumentException>(() => WireCodec.RoundTrip(graph, [new WireTensor("w1", WireEncoding.Fp16)]));
        foreach (var scale in new[] { 0f, -1f, float.NaN, float.PositiveInfinity })
        {
            Assert.Throws<ArgumentException>(() => WireCodec.EncodeOutputs(graph, [new WireTensor("t", WireEncoding.Int8, scale)]));
        }
        Assert.Equal(model, graph.Model);
    }

    private static ValueInfoProto WireValue(string name, int elemType, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }
}
