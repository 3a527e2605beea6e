using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Samples;

/// <summary>
/// CNN layers on an <see cref="OnnxModelBuilder"/>, written the way PyTorch exports them for the builder's
/// opset (7 and later). A <paramref name="name"/> such as "layer1.0.conv1" names the node and its weights
/// ("layer1.0.conv1.weight") like a module path; without one, fresh names are used.
/// </summary>
public sealed class CnnLayers(OnnxModelBuilder builder, WeightGenerator weights)
{
    public OnnxModelBuilder Builder { get; } = builder;

    public WeightGenerator Weights { get; } = weights;

    public int Opset => Builder.Opset;

    /// <summary>A conv with generated He weights and, when <paramref name="bias"/>, small biases.</summary>
    public FeatureMap Conv(FeatureMap x, ConvSpec spec, bool bias = true, string? name = null, double gain = 1.0)
    {
        var dims = spec.WeightDims(x.Channels);
        var w = Weights.ConvWeight(dims[0], dims[1], dims[2], dims[3], gain);
        var b = bias ? Weights.Bias(spec.OutChannels) : null;
        return Conv(x, spec, w, b, name);
    }

    /// <summary>A conv with the given weights ([Cout, Cin/groups, k, k]) and optional bias.</summary>
    public FeatureMap Conv(FeatureMap x, ConvSpec spec, float[] weight, float[]? bias, string? name = null)
    {
        var (node, output) = Names("Conv", name);
        string wName = Builder.Reserve(node + ".weight");
        Builder.Initializer(wName, weight, spec.WeightDims(x.Channels));
        var inputs = new List<string> { x.Name, wName };
        if (bias is not null)
        {
            string bName = Builder.Reserve(node + ".bias");
            Builder.Initializer(bName, bias, spec.OutChannels);
            inputs.Add(bName);
        }
        int p = spec.EffectivePad;
        Builder.NamedNode(node, "Conv", [.. inputs], [output],
            Ints("dilations", spec.Dilation, spec.Dilation),
            Int("group", spec.Groups),
            Ints("kernel_shape", spec.Kernel, spec.Kernel),
            Ints("pads", p, p, p, p),
            Ints("strides", spec.Stride, spec.Stride));
        return new FeatureMap(output, spec.OutChannels, spec.OutSize(x.Height), spec.OutSize(x.Width));
    }

    /// <summary>Inference-mode BatchNormalization (one output; no training outputs), with generated stats when none are given.</summary>
    public FeatureMap BatchNorm(FeatureMap x, BatchNormParams? p = null, string? name = null)
    {
        if (Opset < 7) throw new NotSupportedException($"BatchNormalization is built for opset 7 and later, not {Opset}");
        p ??= Weights.BatchNorm(x.Channels);
        if (p.Channels != x.Channels) throw new ArgumentException($"BN has {p.Channels} channels, its input {x.Channels}");
        var (node, output) = Names("BatchNormalization", name);
        string[] inputs = [Param(node, "weight", p.Scale), Param(node, "bias", p.Bias),
            Param(node, "running_mean", p.Mean), Param(node, "running_var", p.Variance)];
        var attrs = new List<Onnx.AttributeProto> { Float("epsilon", p.Epsilon), Float("momentum", 0.9f) };
        // Opsets 7–8 carry `spatial` (removed in 9); exporters of that era wrote it explicitly.
        if (Opset < 9) attrs.Add(Int("spatial", 1));
        Builder.NamedNode(node, "BatchNormalization", [x.Name, .. inputs], [output], [.. attrs]);
        return x with { Name = output };
    }

    public FeatureMap Relu(FeatureMap x, string? name = null) => Unary("Relu", x, name);

    public FeatureMap Sigmoid(FeatureMap x, string? name = null) => Unary("Sigmoid", x, name);

    /// <summary>SiLU as exporters write it before opset 22 has no fused op: x · Sigmoid(x).</summary>
    public FeatureMap Silu(FeatureMap x) => Mul(x, Sigmoid(x));

    public FeatureMap Add(FeatureMap a, FeatureMap b, string? name = null) => Binary("Add", a, b, name);

    public FeatureMap Mul(FeatureMap a, FeatureMap b, string? name = null) => Binary("Mul", a, b, name);

    public FeatureMap MaxPool(FeatureMap x, int kernel, int stride, int pad, string? name = null)
    {
        var (node, output) = Names("MaxPool", name);
        Builder.NamedNode(node, "MaxPool", [x.Name], [output],
            Ints("kernel_shape", kernel, kernel), Ints("pads", pad, pad, pad, pad), Ints("strides", stride, stride));
        var geometry = new ConvSpec(x.Channels, kernel, stride, pad);
        return new FeatureMap(output, x.Channels, geometry.OutSize(x.Height), geometry.OutSize(x.Width));
    }

    public FeatureMap GlobalAveragePool(FeatureMap x, string? name = null) =>
        Unary("GlobalAveragePool", x, name) with { Height = 1, Width = 1 };

    /// <summary>Flatten(axis=1): the result is [N, C·H·W], returned by name.</summary>
    public string Flatten(FeatureMap x, string? name = null)
    {
        var (node, output) = Names("Flatten", name);
        return Builder.NamedNode(node, "Flatten", [x.Name], [output], Int("axis", 1))[0];
    }

    /// <summary>A fully connected layer as Gemm(transB=1) with PyTorch's [out, in] weight layout.</summary>
    public string Gemm(string x, long inFeatures, long outFeatures, string? name = null)
    {
        var (node, output) = Names("Gemm", name);
        string w = Param(node, "weight", Weights.LinearWeight(outFeatures, inFeatures), outFeatures, inFeatures);
        string b = Param(node, "bias", Weights.Uniform(outFeatures, -1.0 / Math.Sqrt(inFeatures), 1.0 / Math.Sqrt(inFeatures)));
        return Builder.NamedNode(node, "Gemm", [x, w, b], [output],
            Float("alpha", 1f), Float("beta", 1f), Int("transB", 1))[0];
    }

    /// <summary>GlobalAveragePool → Flatten → Gemm: the usual classifier tail, output [N, classes].</summary>
    public string Classifier(FeatureMap x, long classes, string name = "fc") =>
        Gemm(Flatten(GlobalAveragePool(x)), x.Channels, classes, name);

    /// <summary>Channel concatenation (axis 1).</summary>
    public FeatureMap Concat(params FeatureMap[] xs)
    {
        var (node, output) = Names("Concat", null);
        Builder.NamedNode(node, "Concat", [.. xs.Select(x => x.Name)], [output], Int("axis", 1));
        return xs[0] with { Name = output, Channels = xs.Sum(x => x.Channels) };
    }

    /// <summary>
    /// Nearest-neighbour upsampling by an integer factor, in the form of the builder's opset:
    /// Upsample (≤ 9), Resize(X, scales) (10), Resize(X, roi, scales) with an empty roi tensor (11–12),
    /// and Resize(X, "", scales) with the roi omitted (13+).
    /// </summary>
    public FeatureMap Upsample(FeatureMap x, int scale, string? name = null)
    {
        float[] scales = [1f, 1f, scale, scale];
        var result = x with { Height = x.Height * scale, Width = x.Width * scale };
        if (Opset < 9)
        {
            var (n8, o8) = Names("Upsample", name);
            Builder.NamedNode(n8, "Upsample", [x.Name], [o8], String("mode", "nearest"), Floats("scales", scales));
            return result with { Name = o8 };
        }
        string op = Opset == 9 ? "Upsample" : "Resize";
        var (node, output) = Names(op, name);
        string scalesName = Param(node, "scales", scales);
        if (Opset <= 10)
        {
            Builder.NamedNode(node, op, [x.Name, scalesName], [output], String("mode", "nearest"));
            return result with { Name = output };
        }
        string roi = Opset >= 13 ? "" : Param(node, "roi", Array.Empty<float>(), 0);
        Builder.NamedNode(node, "Resize", [x.Name, roi, scalesName], [output],
            String("coordinate_transformation_mode", "asymmetric"),
            Float("cubic_coeff_a", -0.75f),
            String("mode", "nearest"),
            String("nearest_mode", "floor"));
        return result with { Name = output };
    }

    private FeatureMap Unary(string op, FeatureMap x, string? name)
    {
        var (node, output) = Names(op, name);
        Builder.NamedNode(node, op, [x.Name], [output]);
        return x with { Name = output };
    }

    private FeatureMap Binary(string op, FeatureMap a, FeatureMap b, string? name)
    {
        if (a.Channels != b.Channels || a.Height != b.Height || a.Width != b.Width)
        {
            throw new ArgumentException($"{op} of unequal shapes {a} and {b}");
        }
        var (node, output) = Names(op, name);
        Builder.NamedNode(node, op, [a.Name, b.Name], [output]);
        return a with { Name = output };
    }

    /// <summary>A float initializer named "{node}.{role}"; 1-D unless dims are given.</summary>
    private string Param(string node, string role, float[] data, params long[] dims)
    {
        string n = Builder.Reserve($"{node}.{role}");
        Builder.Initializer(n, data, dims.Length > 0 ? dims : [data.Length]);
        return n;
    }

    private (string Node, string Output) Names(string opType, string? name)
    {
        string node = name is null ? Builder.Fresh(opType) : Builder.Reserve(name);
        return (node, Builder.Reserve(node + "_output_0"));
    }
}
