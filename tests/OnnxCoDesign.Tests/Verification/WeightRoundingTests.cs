using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Verification;

public sealed class WeightRoundingTests
{
    /// <summary>Conv(+bias) → BatchNormalization → Reshape (int64 shape) → Gemm(transB=1) → MatMul, with a Constant.</summary>
    private static ModelProto Model()
    {
        var g = new WeightGenerator(5);
        var b = new OnnxModelBuilder()
            .Input("x", ElementType.Float, 1, 3, 4, 4)
            .Initializer("w", g.ConvWeight(4, 3, 3, 3), 4, 3, 3, 3)
            .Initializer("bias", g.Bias(4), 4)
            .Initializer("gamma", g.Uniform(4, 0.5, 1.5), 4).Initializer("beta", g.Bias(4), 4)
            .Initializer("mean", g.Bias(4), 4).Initializer("var", g.Uniform(4, 0.5, 2), 4)
            .Initializer("shape", new long[] { 1, 64 }, 2)
            .Initializer("fc", g.LinearWeight(10, 64), 10, 64)
            .Initializer("proj", g.Uniform(10 * 6, -3, 3), 10, 6);
        var c = b.Node("Conv", ["x", "w", "bias"], NodeAttributes.Ints("pads", 1, 1, 1, 1));
        var n = b.Node("BatchNormalization", [c, "gamma", "beta", "mean", "var"]);
        var r = b.Node("Reshape", [n, "shape"]);
        var f = b.Node("Gemm", [r, "fc"], NodeAttributes.Int("transB", 1));
        var k = b.Node("Constant", [], NodeAttributes.Tensor("value", TensorFactory.Float("k", [0.1f, 0.2f, 1e-6f, 70000f, -3.3f, 123.456f, 0f, 1f, -1f, 0.3333f], 10)));
        var m = b.Node("MatMul", [b.Node("Add", [f, k]), "proj"]);
        b.Output(m, ElementType.Float, 1, 6);
        return b.Build();
    }

    private static float[] Floats(ModelProto m, string name) => TensorValues.AsFloat(m.Graph.Initializer.Single(t => t.Name == name));

    [Fact]
    public void Fp16_rounds_every_float_to_the_nearest_half()
    {
        var model = Model();
        var rounded = WeightRounding.Apply(model, null, TargetPrecision.Fp16);
        foreach (var name in new[] { "w", "bias", "gamma", "fc", "proj" })
        {
            var before = Floats(model, name);
            var after = Floats(rounded, name);
            for (var i = 0; i < before.Length; i++)
            {
                Assert.Equal((float)(Half)before[i], after[i]);
                // Half an fp16 ulp at the value: 2^(e - 10) / 2, with e clamped at fp16's smallest normal exponent.
                var halfUlp = Math.ScaleB(1.0, Math.Max(Math.ILogB(before[i]), -14) - 11);
                Assert.InRange(Math.Abs(after[i] - (double)before[i]), 0, halfUlp);
            }
        }
        var constant = TensorValues.AsFloat(rounded.Graph.Node.Single(n => n.OpType == "Constant").GetTensor("value")!);
        Assert.Equal(float.PositiveInfinity, constant[3]); // 70000 is past fp16's range, as on the device
        Assert.Equal((float)(Half)0.3333f, constant[9]);
    }

    [Fact]
    public void Int64_initializers_and_the_original_are_untouched()
    {
        var model = Model();
        var before = model.ToByteArray();
        var fp16 = WeightRounding.Apply(model, null, TargetPrecision.Fp16);
        var int8 = WeightRounding.Apply(model, null, TargetPrecision.Int8);
        Assert.Equal(before, model.ToByteArray());
        var shape = model.Graph.Initializer.Single(t => t.Name == "shape");
        Assert.Equal(shape, fp16.Graph.Initializer.Single(t => t.Name == "shape"));
        Assert.Equal(shape, int8.Graph.Initializer.Single(t => t.Name == "shape"));
        Assert.Equal(before, WeightRounding.Apply(model, null, TargetPrecision.Fp32).ToByteArray());
    }

    [Theory]
    [InlineData("w", 0)]     // Conv: output channels
    [InlineData("fc", 0)]    // Gemm with transB=1: [N, K], rows are outputs
    [InlineData("proj", 1)]  // MatMul [K, N]: one scale per column
    public void Int8_is_symmetric_per_output_channel(string name, int axis)
    {
        var model = Model();
        var rounded = WeightRounding.Apply(model, null, TargetPrecision.Int8);
        var dims = model.Graph.Initializer.Single(t => t.Name == name).Dims.ToArray();
        var before = Floats(model, name);
        var after = Floats(rounded, name);
        var channels = (int)dims[axis];
        var inner = dims.Skip(axis + 1).Aggregate(1L, (a, d) => a * d);
        for (var c = 0; c < channels; c++)
        {
            var idx = Enumerable.Range(0, before.Length).Where(i => i / inner % channels == c).ToList();
            var max = idx.Max(i => Math.Abs(before[i]));
            var scale = max / 127.0;
            var argmax = idx.First(i => Math.Abs(before[i]) == max);
            Assert.Equal(before[argmax], after[argmax]); // the channel's largest magnitude maps to ±127·scale exactly
            foreach (var i in idx)
            {
                Assert.InRange(Math.Abs(after[i] - (double)before[i]), 0, scale / 2 * (1 + 1e-6));
                var level = after[i] / scale;
                Assert.InRange(Math.Abs(level - Math.Round(level)), 0, 1e-3); // an integer multiple of the scale
                Assert.InRange(Math.Round(level), -127, 127);
            }
        }
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void Int8_keeps_biases_batchnorm_and_other_floats()
    {
        var model = Model();
        var rounded = WeightRounding.Apply(model, null, TargetPrecision.Int8);
        foreach (var name in new[] { "bias", "gamma", "beta", "mean", "var" })
        {
            Assert.Equal(model.Graph.Initializer.Single(t => t.Name == name), rounded.Graph.Initializer.Single(t => t.Name == name));
        }
        Assert.Equal(model.Graph.Node.Single(n => n.OpType == "Constant"), rounded.Graph.Node.Single(n => n.OpType == "Constant"));
    }

    [Fact]
    public void Per_channel_handles_zero_channels_and_conv_transpose_axis()
    {
        var q = WeightRounding.QuantizePerChannel([0f, 0f, 1f, -0.5f], [2, 2], 0);
        // Channel 0 is all zero and stays so; in channel 1, -0.5 is level -63.5, which rounds to even (-64).
        Assert.Equal([0f, 0f, 1f, (float)(-64 / 127.0)], q);
        var t = new NodeProto { OpType = "ConvTranspose", Input = { "x", "w" } };
        Assert.Equal(1, WeightRounding.WeightChannelAxis(t, 4));
        var gemm = new NodeProto { OpType = "Gemm", Input = { "a", "b" } };
        Assert.Equal(1, WeightRounding.WeightChannelAxis(gemm, 2)); // transB=0: B is [K, N]
        Assert.Null(WeightRounding.WeightChannelAxis(new NodeProto { OpType = "Add", Input = { "a", "b" } }, 2));
    }

    [Fact]
    public void External_weights_are_read_through_the_store_and_inlined_in_the_copy()
    {
        using var dir = new ScratchDirectory();
        var path = dir.File("m.onnx");
        ModelSaver.Save(Model(), path, forceExternal: true);
        using var loaded = ModelLoader.Load(path);
        Assert.True(ExternalDataReference.IsExternal(loaded.Model.Graph.Initializer.Single(t => t.Name == "fc")));

        var rounded = WeightRounding.Apply(loaded.Model, loaded.ExternalData, TargetPrecision.Int8);
        var fc = rounded.Graph.Initializer.Single(t => t.Name == "fc");
        Assert.False(ExternalDataReference.IsExternal(fc));
        Assert.Equal(Floats(WeightRounding.Apply(Model(), null, TargetPrecision.Int8), "fc"), TensorValues.AsFloat(fc));

        // Unrounded, the weight still points at its file and still resolves for ONNX Runtime.
        var same = WeightRounding.Apply(loaded.Model, loaded.ExternalData, TargetPrecision.Fp32);
        Assert.True(ExternalDataReference.IsExternal(same.Graph.Initializer.Single(t => t.Name == "fc")));
        var inline = ModelProto.Parser.ParseFrom(ModelBytes.ToArray(same, loaded.ExternalData));
        Assert.Equal(Floats(Model(), "fc"), Floats(inline, "fc"));
    }
}
