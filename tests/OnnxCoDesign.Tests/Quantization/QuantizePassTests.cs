using Onnx;
using OnnxCoDesign.Compiler.Calibration;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Rewrite;
using static OnnxCoDesign.Tests.Quantization.QuantizeModels;

namespace OnnxCoDesign.Tests.Quantization;

/// <summary>
/// The quantize pass: the QDQ model it writes runs in ONNX Runtime close to fp32 (relative L2 &lt; 0.05 with
/// calibrated ranges), has exactly the Q/DQ nodes and wiring the placement chose, int8 per-channel weights,
/// and computes exactly the fake-quant math; a model with nothing to quantize is left as it was.
/// </summary>
public sealed class QuantizePassTests
{
    private const double Tolerance = 0.05;

    private static NodeProto Node(ModelProto m, string name) => m.Graph.Node.Single(n => n.Name == name);

    private static NodeProto ProducerOf(ModelProto m, string tensor) => m.Graph.Node.Single(n => n.Output.Contains(tensor));

    private static QuantizeResult Quantize(ModelProto model, ActivationRanges ranges)
    {
        var graph = new ModelGraph(model);
        var results = Pipelines.Quantize(ranges).Run(graph, PassContext.InMemory);
        return Assert.IsType<QuantizeResult>(Assert.Single(results));
    }

    [Fact]
    public void CalibratedQdqModelRunsCloseToFp32WithExactlyThePlacedNodesAndWiring()
    {
        var original = ConvResidualGemm();
        var graph = new ModelGraph(original);
        var sites = QdqPlacement.Of(graph, ShapeInference.Run(graph));
        using var loaded = LoadedModel.InMemory(original);
        using var data = MemoryDataSet.Uniform(X, [4, 8, 8], 64);
        var ranges = Calibrator.Collect(loaded, sites.ActivationTensors, data, CalibrationSettings.Default);
        var model = original.Clone();

        var result = Quantize(model, ranges);

        Assert.Equal([X, "relu1_output_0", "Flatten_0_output_0"], result.Activations);
        Assert.Equal(["conv1.weight", "conv2.weight", "fc.weight"], result.Weights);
        Assert.Null(result.OpsetRaisedFrom);
        Assert.Equal(3, model.Graph.Node.Count(n => n.OpType == "QuantizeLinear"));
        Assert.Equal(6, model.Graph.Node.Count(n => n.OpType == "DequantizeLinear"));
        foreach (var tensor in result.Activations)
        {
            var q = Assert.Single(model.Graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == tensor);
            var dq = Assert.Single(model.Graph.Node, n => n.OpType == "DequantizeLinear" && n.Input[0] == q.Output[0]);
            var readers = model.Graph.Node.Where(n => n.Input.Contains(dq.Output[0])).Select(n => n.Name).ToArray();
            Assert.Equal(sites.Activations.Single(a => a.Tensor == tensor).Readers.Select(r => r.Node), readers);
            Assert.Equal((float)(ranges.Amax[tensor] / 127), Scalar(model, q.Input[1]));
        }
        // The Relu beside conv1 reads x itself; conv2's output goes into the Add unquantized (TensorRT fuses it).
        Assert.Equal(X, Node(model, "side").Input[0]);
        Assert.Equal("conv2_output_0", Node(model, "add").Input[0]);
        foreach (var (node, weight, channels) in new[] { ("conv1", "conv1.weight", 8L), ("conv2", "conv2.weight", 8L), ("fc", "fc.weight", 10L) })
        {
            var dq = ProducerOf(model, Node(model, node).Input[1]);
            Assert.Equal("DequantizeLinear", dq.OpType);
            Assert.Equal(0, dq.GetInt("axis", 1));
            var q = model.Graph.Initializer.Single(i => i.Name == dq.Input[0]);
            Assert.Equal(ElementType.Int8, q.DataType);
            Assert.Equal(original.Graph.Initializer.Single(i => i.Name == weight).Dims, q.Dims);
            Assert.Equal([channels], model.Graph.Initializer.Single(i => i.Name == dq.Input[1]).Dims);
            Assert.Equal([channels], model.Graph.Initializer.Single(i => i.Name == dq.Input[2]).Dims);
        }
        Assert.DoesNotContain(model.Graph.Initializer, i => i.Name == "conv1.weight");
        Assert.Equal(original.Graph.Output.Select(o => o.Name), model.Graph.Output.Select(o => o.Name));
        Assert.Equal(original.Graph.Input.Select(o => o.Name), model.Graph.Input.Select(o => o.Name));
        RewriteChecks.WellFormed(model);

        var held = MemoryDataSet.Uniform(X, [4, 8, 8], 16, seed: 99).Batches(16).Single().Inputs[X];
        var input = held.ToDoubles().Select(v => (float)v).ToArray();
        var error = RelativeL2(Run(original, input, held.Shape), Run(model, input, held.Shape));
        Assert.InRange(error, 1e-6, Tolerance);
    }

    [Fact]
    public void SingleConvEqualsFakeQuantComputedByHandInDouble()
    {
        var original = SingleConv(out var weight, out var bias);
        const double amax = 0.8; // below max |x| = 1: the largest inputs saturate at ±127·s and −128·s
        var model = original.Clone();
        Quantize(model, new ActivationRanges(new Dictionary<string, double> { [X] = amax }));
        var input = new WeightGenerator(21).Uniform(2 * 3 * 36, -1, 1);

        var actual = Run(model, input, 2, 3, 6, 6);

        var s = (float)(amax / 127);
        var xq = input.Select(v => Math.Clamp(Math.Round(v / (double)s, MidpointRounding.ToEven), -128, 127) * s).ToArray();
        var wq = new double[weight.Length];
        for (var o = 0; o < 4; o++)
        {
            var channel = weight.AsSpan(o * 27, 27).ToArray();
            var sw = (float)(channel.Max(v => Math.Abs((double)v)) / 127);
            for (var i = 0; i < 27; i++) wq[o * 27 + i] = Math.Clamp(Math.Round(channel[i] / (double)sw, MidpointRounding.ToEven), -127, 127) * sw;
        }
        var expected = Conv3x3Pad1(xq, wq, bias, batch: 2, cin: 3, cout: 4, size: 6);
        var scale = expected.Max(Math.Abs);
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4 * scale, $"{p.First} vs {p.Second}"));
        // And the quantization is real: plain fp32 differs by far more than the tolerance.
        var fp32 = Run(original, input, 2, 3, 6, 6);
        Assert.True(expected.Zip(fp32).Max(p => Math.Abs(p.First - p.Second)) > 1e-2 * scale);
    }

    [Fact]
    public void TensorThatWasAlwaysZeroAndAllZeroWeightChannelGetScaleOne()
    {
        Assert.Equal(1f, ActivationRanges.ScaleOf(0));
        Assert.Equal(1f, ActivationRanges.ScaleOf(1e-45));
        Assert.Equal(2f / 127, ActivationRanges.ScaleOf(2), 6);
        var (values, scales) = WeightQuantization.PerChannel(new float[] { 0, 0, 0, 1, -2, 0.5f }, [2, 3], 0);
        Assert.Equal([1f, 2f / 127], scales);
        Assert.Equal(new sbyte[] { 0, 0, 0, 64, -127, 32 }, values);
    }

    [Fact]
    public void LeavesAModelWithNoConvGemmMatMulOrResidualAddAsItWas()
    {
        var b = new OnnxModelBuilder("no-linear", opset: 11);
        b.Input(X, ElementType.Float, 1L, 4L, 6L, 6L);
        b.Initializer("shift", new float[4], 1, 4, 1, 1);
        var relu = b.NamedNode("relu", "Relu", [X], ["r"])[0];
        var shifted = b.NamedNode("add", "Add", [relu, "shift"], ["s"])[0];
        var pooled = b.NamedNode("pool", "MaxPool", [shifted], ["p"], NodeAttributes.Ints("kernel_shape", 2, 2))[0];
        var original = b.Output(pooled).Build();
        var model = original.Clone();

        var result = Quantize(model, new ActivationRanges(new Dictionary<string, double>()));

        Assert.Empty(result.Rewrites);
        Assert.Empty(result.Activations);
        Assert.Null(result.OpsetRaisedFrom);
        Assert.Equal(original, model);
        Assert.Equal(11, model.OpsetImport.Single().Version);
    }

    [Fact]
    public void RefusesAPlacedTensorWithoutARangeBeforeEditingAnything()
    {
        var original = ConvResidualGemm();
        var model = original.Clone();
        var ranges = new ActivationRanges(new Dictionary<string, double> { [X] = 1, ["relu1_output_0"] = 2 });

        var e = Assert.Throws<CodesignException>(() => Quantize(model, ranges));

        Assert.Equal(ErrorCodes.QuantizeRangeMissing, e.Code);
        Assert.Contains("'Flatten_0_output_0'", e.Message);
        Assert.Equal(original, model);
    }

    [Fact]
    public void RefusesANonFiniteRange()
    {
        var model = SingleConv(out _, out _);
        var e = Assert.Throws<CodesignException>(() => Quantize(model, new ActivationRanges(new Dictionary<string, double> { [X] = double.NaN })));
        Assert.Equal(ErrorCodes.QuantizeRangeInvalid, e.Code);
    }

    private static float Scalar(ModelProto m, string name) => TensorValues.AsFloat(m.Graph.Initializer.Single(i => i.Name == name)).Single();

    private static double[] Conv3x3Pad1(double[] x, double[] w, float[] bias, int batch, int cin, int cout, int size)
    {
        var y = new double[batch * cout * size * size];
        for (var n = 0; n < batch; n++)
        for (var o = 0; o < cout; o++)
        for (var h = 0; h < size; h++)
        for (var v = 0; v < size; v++)
        {
            double sum = bias[o];
            for (var c = 0; c < cin; c++)
            for (var kh = 0; kh < 3; kh++)
            for (var kw = 0; kw < 3; kw++)
            {
                int ih = h + kh - 1, iw = v + kw - 1;
                if (ih < 0 || iw < 0 || ih >= size || iw >= size) continue;
                sum += x[((n * cin + c) * size + ih) * size + iw] * w[((o * cin + c) * 3 + kh) * 3 + kw];
            }
            y[((n * cout + o) * size + h) * size + v] = sum;
        }
        return y;
    }
}
