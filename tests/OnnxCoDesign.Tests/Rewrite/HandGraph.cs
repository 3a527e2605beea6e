using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>
/// Small hand-made graphs over one input <c>x</c> [1, C, S, S], for the shapes exports produce and the
/// builder's samples do not: odd pads, strides and dilations, extra consumers, parameters as runtime inputs.
/// Node names are module paths ("blk.rbr_dense.conv"), so blocks are named like an export's.
/// </summary>
internal sealed class HandGraph
{
    private readonly WeightGenerator _weights = new(11);

    public HandGraph(long channels = 4, long size = 6, int opset = 13, bool initializersAsInputs = false)
    {
        Channels = channels;
        Builder = new OnnxModelBuilder("hand", opset) { InitializersAsInputs = initializersAsInputs };
        Builder.Input(X, ElementType.Float, 1L, channels, size, size);
    }

    public const string X = "x";

    public OnnxModelBuilder Builder { get; }

    /// <summary>The channels of <c>x</c>, which every conv here reads.</summary>
    public long Channels { get; }

    /// <summary>
    /// A conv of <paramref name="input"/> (C channels in). Pads default to "same" for stride 1; a given
    /// <paramref name="weight"/> is shared rather than generated; <paramref name="weightAsInput"/> makes the
    /// weight a runtime graph input.
    /// </summary>
    public string Conv(string name, string input, int kernel, int stride = 1, long[]? pads = null, int dilation = 1,
        bool bias = true, int groups = 1, long? outChannels = null, string? weight = null, bool weightAsInput = false)
    {
        var cout = outChannels ?? Channels;
        long[] dims = [cout, Channels / groups, kernel, kernel];
        var w = weight ?? name + ".weight";
        if (weight is null && weightAsInput) Builder.Input(w, ElementType.Float, dims);
        else if (weight is null) Builder.Initializer(w, _weights.ConvWeight(dims[0], dims[1], kernel, kernel, 0.5), dims);
        var inputs = new List<string> { input, w };
        if (bias)
        {
            Builder.Initializer(name + ".bias", _weights.Bias(cout), cout);
            inputs.Add(name + ".bias");
        }
        var p = dilation * (kernel - 1) / 2;
        return Builder.NamedNode(name, "Conv", [.. inputs], [name + "_output_0"],
            Ints("dilations", dilation, dilation), Int("group", groups), Ints("kernel_shape", kernel, kernel),
            Ints("pads", pads ?? [p, p, p, p]), Ints("strides", stride, stride))[0];
    }

    /// <summary>
    /// An inference BatchNormalization over <paramref name="channels"/> (default C). <paramref name="outputs"/>
    /// more than 1 adds the optional statistics outputs; <paramref name="scaleAsInput"/> makes γ a runtime input.
    /// </summary>
    public string[] BatchNorm(string name, string input, long? channels = null, int outputs = 1, bool scaleAsInput = false,
        params AttributeProto[] attributes)
    {
        var c = channels ?? Channels;
        var p = _weights.BatchNorm(c);
        var scale = name + ".weight";
        if (scaleAsInput) Builder.Input(scale, ElementType.Float, c);
        else Builder.Initializer(scale, p.Scale, c);
        Builder.Initializer(name + ".bias", p.Bias, c);
        Builder.Initializer(name + ".running_mean", p.Mean, c);
        Builder.Initializer(name + ".running_var", p.Variance, c);
        var outs = Enumerable.Range(0, outputs).Select(i => $"{name}_output_{i}").ToArray();
        AttributeProto[] attrs = [Float("epsilon", p.Epsilon), .. attributes];
        return Builder.NamedNode(name, "BatchNormalization",
            [input, scale, name + ".bias", name + ".running_mean", name + ".running_var"], outs, attrs);
    }

    public string Bn(string name, string input) => BatchNorm(name, input)[0];

    public string Op(string opType, string name, params string[] inputs) =>
        Builder.NamedNode(name, opType, inputs, [name + "_output_0"])[0];

    /// <summary>The model with the given graph outputs (shapes left to inference).</summary>
    public ModelProto Build(params string[] outputs)
    {
        foreach (var o in outputs) Builder.Output(o);
        return Builder.Build();
    }
}
