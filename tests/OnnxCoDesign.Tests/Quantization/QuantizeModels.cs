using Onnx;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Samples;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Quantization;

/// <summary>Small models for the quantize pass and the calibrator, built in code.</summary>
internal static class QuantizeModels
{
    public const string X = "x";

    /// <summary>
    /// x [N, 4, 8, 8] → conv1 → relu1 → conv2; add = conv2 + relu1 → relu2 → GAP → flatten → fc (Gemm, transB=1, 10
    /// classes). A side output reads x through a Relu, which must stay fp32.
    /// </summary>
    public static ModelProto ConvResidualGemm()
    {
        var b = new OnnxModelBuilder("conv-residual-gemm");
        var l = new CnnLayers(b, new WeightGenerator(5));
        b.Input(X, ElementType.Float, "N", 4L, 8L, 8L);
        var x = new FeatureMap(X, 4, 8, 8);
        var relu1 = l.Relu(l.Conv(x, new ConvSpec(8, 3), name: "conv1"), "relu1");
        var conv2 = l.Conv(relu1, new ConvSpec(8, 3), name: "conv2");
        var relu2 = l.Relu(l.Add(conv2, relu1, "add"), "relu2");
        var logits = l.Classifier(relu2, 10);
        var side = l.Relu(x, "side");
        b.Output(logits).Output(side.Name);
        return b.Build();
    }

    /// <summary>x [N, 3, 6, 6] → one Conv (4 out, 3×3, pad 1, bias): the fake-quant reference case.</summary>
    public static ModelProto SingleConv(out float[] weight, out float[] bias)
    {
        var b = new OnnxModelBuilder("single-conv");
        var g = new WeightGenerator(9);
        weight = g.ConvWeight(4, 3, 3, 3);
        bias = g.Bias(4);
        b.Input(X, ElementType.Float, "N", 3L, 6L, 6L);
        b.Initializer("conv.weight", weight, 4, 3, 3, 3).Initializer("conv.bias", bias, 4);
        var y = b.NamedNode("conv", "Conv", [X, "conv.weight", "conv.bias"], ["y"],
            Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 1, 1))[0];
        return b.Output(y).Build();
    }

    /// <summary><paramref name="model"/> run in ONNX Runtime on one batch; the first output's values.</summary>
    public static float[] Run(ModelProto model, float[] input, params long[] shape)
    {
        using var ort = new OrtModel(model);
        var outputs = ort.Run(new Dictionary<string, TensorData> { [X] = TensorData.FromFloats(input, shape) });
        return outputs[ort.OutputNames[0]].ToDoubles().Select(v => (float)v).ToArray();
    }

    /// <summary>‖a − b‖₂ / ‖a‖₂.</summary>
    public static double RelativeL2(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            diff += Math.Pow((double)expected[i] - actual[i], 2);
            norm += Math.Pow(expected[i], 2);
        }
        return Math.Sqrt(diff / Math.Max(norm, 1e-30));
    }
}
