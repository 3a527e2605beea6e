using Onnx;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Samples;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Wire;

/// <summary>Small models for the wire codec, built in code, and the C# references they are checked against.</summary>
internal static class WireModels
{
    public static readonly long[] XShape = [2, 3, 6, 6];
    public static readonly long[] TShape = [2, 4, 6, 6];

    /// <summary>Part 0 of a two-part conv net: x [2,3,6,6] → conv1 (4 out, 3×3, pad 1) → relu1 → t [2,4,6,6].</summary>
    public static ModelProto Part0(int opset = 13)
    {
        var b = new OnnxModelBuilder("part0", opset);
        var g = new WeightGenerator(21);
        b.Input("x", ElementType.Float, XShape);
        b.Initializer("w1", g.ConvWeight(4, 3, 3, 3), 4, 3, 3, 3).Initializer("b1", g.Bias(4), 4);
        var c = b.NamedNode("conv1", "Conv", ["x", "w1", "b1"], ["c1"], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1))[0];
        b.NamedNode("relu1", "Relu", [c], ["t"]);
        return b.Output("t", ElementType.Float, TShape).Build();
    }

    /// <summary>Part 1: t [2,4,6,6] → conv2 (5 out, 3×3, pad 1) → y [2,5,6,6].</summary>
    public static ModelProto Part1()
    {
        var b = new OnnxModelBuilder("part1");
        var g = new WeightGenerator(22);
        b.Input("t", ElementType.Float, TShape);
        b.Initializer("w2", g.ConvWeight(5, 4, 3, 3), 5, 4, 3, 3).Initializer("b2", g.Bias(5), 5);
        b.NamedNode("conv2", "Conv", ["t", "w2", "b2"], ["y"], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        return b.Output("y", ElementType.Float, 2L, 5L, 6L, 6L).Build();
    }

    /// <summary>x [2,8] → t = Mul(x, 2) → y1 = Relu(t), y2 = Neg(t); outputs t, y1, y2: a tensor read by two nodes and a graph output.</summary>
    public static ModelProto TwoReaders()
    {
        var b = new OnnxModelBuilder("two-readers");
        b.Input("x", ElementType.Float, 2L, 8L);
        b.Initializer("two", [2f]);
        b.NamedNode("double", "Mul", ["x", "two"], ["t"]);
        b.NamedNode("relu", "Relu", ["t"], ["y1"]);
        b.NamedNode("neg", "Neg", ["t"], ["y2"]);
        return b.Output("t", ElementType.Float, 2L, 8L).Output("y1", ElementType.Float, 2L, 8L).Output("y2", ElementType.Float, 2L, 8L).Build();
    }

    public static float[] Input(int seed, long[] shape, double lo = -2, double hi = 2) =>
        new WeightGenerator((ulong)seed).Uniform(shape.Aggregate(1L, (a, d) => a * d), lo, hi);

    /// <summary>Runs a model in ONNX Runtime; every output by name.</summary>
    public static IReadOnlyDictionary<string, TensorData> Run(ModelProto model, params (string Name, TensorData Value)[] inputs)
    {
        using var ort = new OrtModel(model);
        return ort.Run(inputs.ToDictionary(i => i.Name, i => i.Value));
    }

    public static float[] Floats(TensorData t) => t.ToDoubles().Select(v => (float)v).ToArray();

    /// <summary>What the fp16 wire delivers: the nearest binary16 value, back in float32.</summary>
    public static float Fp16(float v) => (float)(Half)v;

    /// <summary>QuantizeLinear with an int8 zero point of 0: clamp(round_half_even(x / s), −128, 127).</summary>
    public static sbyte Quantize(float v, float s) => (sbyte)Math.Clamp(MathF.Round(v / s, MidpointRounding.ToEven), -128f, 127f);

    /// <summary>What the int8 wire delivers: the quantized value times the scale.</summary>
    public static float FakeQuant(float v, float s) => Quantize(v, s) * s;

    /// <summary>max|a − b| / max|a|.</summary>
    public static double RelativeError(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(expected.Max(v => Math.Abs((double)v)), 1e-30);
        return expected.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max() / scale;
    }
}
