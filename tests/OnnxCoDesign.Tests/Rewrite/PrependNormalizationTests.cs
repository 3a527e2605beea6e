using Onnx;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Preprocessing;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Samples;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>
/// prepend-normalization: the model takes uint8 pixels under the same input name and computes, from them, what the
/// original computes from the normalized floats; a model it does not fit is refused with OCD1532 naming the input,
/// and left exactly as it was.
/// </summary>
public sealed class PrependNormalizationTests
{
    private static readonly InputNormalization ImageNet = new(1f / 255f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    private static (ModelProto Model, PassResult Result) Run(ModelProto original, InputNormalization n)
    {
        var model = original.Clone();
        var graph = new ModelGraph(model);
        var result = Pipelines.PrependNormalization(n).Run(graph, PassContext.InMemory).Single();
        return (model, result);
    }

    /// <summary>Random pixels, and the floats the original is fed: (v/255 − mean[c]) / std[c] worked out in double here.</summary>
    private static (TensorData Pixels, TensorData Normalized) Frame(long[] shape, InputNormalization n, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[shape.Aggregate(1L, (a, d) => a * d)];
        random.NextBytes(bytes);
        var plane = shape[2] * shape[3];
        var values = bytes.Select((v, i) =>
        {
            var c = (int)(i / plane % shape[1]);
            return (float)((v * (double)n.Scale - n.Mean[n.Mean.Count == 1 ? 0 : c]) / n.Std[n.Std.Count == 1 ? 0 : c]);
        }).ToArray();
        return (new TensorData(ElementType.UInt8, shape, bytes), TensorData.FromFloats(values, shape));
    }

    private static double RelativeError(ModelProto original, ModelProto rewritten, InputNormalization n, long[] shape)
    {
        using var a = new OrtModel(original);
        using var b = new OrtModel(rewritten);
        var worst = 0.0;
        for (var seed = 0; seed < 2; seed++)
        {
            var (pixels, normalized) = Frame(shape, n, seed);
            var ya = a.Run(new Dictionary<string, TensorData> { [a.InputNames[0]] = normalized });
            var yb = b.Run(new Dictionary<string, TensorData> { [b.InputNames[0]] = pixels });
            foreach (var (name, va) in ya)
            {
                var x = va.ToDoubles();
                var y = yb[name].ToDoubles();
                var scale = Math.Max(x.Max(Math.Abs), 1e-12);
                worst = Math.Max(worst, x.Zip(y, (p, q) => Math.Abs(p - q)).Max() / scale);
            }
        }
        return worst;
    }

    [Fact]
    public void RepVggFedUint8PixelsComputesWhatTheOriginalComputesFromTheNormalizedFloats()
    {
        var original = SampleModels.RepVggA0();
        var (model, result) = Run(original, ImageNet);

        var rewrite = Assert.Single(result.Rewrites);
        Assert.Equal("input", rewrite.Anchor);
        var input = Assert.Single(model.Graph.Input, i => i.Name == "input");
        Assert.Equal(ElementType.UInt8, input.Type.TensorType.ElemType);
        Assert.Equal([1L, 3, 224, 224], input.Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        Assert.Equal(["Cast", "Mul", "Sub", "Div"], model.Graph.Node.Take(4).Select(n => n.OpType));
        // Every node that read the input now reads the normalized tensor; only the Cast reads the pixels.
        Assert.Equal(["input_cast"], model.Graph.Node.Where(n => n.Input.Contains("input")).Select(n => n.Name));
        var readers = original.Graph.Node.Where(n => n.Input.Contains("input")).Select(n => n.Name).ToList();
        Assert.NotEmpty(readers);
        Assert.All(model.Graph.Node.Where(n => readers.Contains(n.Name)), n => Assert.Contains("input_normalized", n.Input));
        var mean = Assert.Single(model.Graph.Initializer, t => t.Name == "input_mean");
        Assert.Equal([1L, 3, 1, 1], mean.Dims);
        WellFormed(model);
        Assert.InRange(RelativeError(original, model, ImageNet, [1, 3, 224, 224]), 0, 1e-6);
    }

    [Fact]
    public void OneMeanAndStdAreBroadcastToEveryChannel()
    {
        var g = new HandGraph(channels: 4, size: 6);
        var original = g.Build(g.Op("Relu", "relu", g.Conv("conv", HandGraph.X, 3)));
        var n = new InputNormalization(0.5f, [0.25f], [2f]);
        var (model, _) = Run(original, n);

        Assert.Equal([1L, 1, 1, 1], model.Graph.Initializer.Single(t => t.Name == "x_std").Dims);
        WellFormed(model);
        Assert.InRange(RelativeError(original, model, n, [1, 4, 6, 6]), 0, 1e-6);
    }

    [Fact]
    public void AChannelCountMismatchIsOCD1532NamingTheInputAndTheModelIsUntouched()
    {
        var g = new HandGraph(channels: 4);
        var original = g.Build(g.Conv("conv", HandGraph.X, 3));
        var model = original.Clone();

        var e = Assert.Throws<CodesignException>(() => Pipelines.PrependNormalization(ImageNet).Run(new ModelGraph(model), PassContext.InMemory));

        Assert.Equal(ErrorCodes.PrependNormalizationUnsupported, e.Code);
        Assert.Contains("input 'x' has 4 channels but mean gives 3 values", e.Message);
        Assert.Equal(original, model);
    }

    [Fact]
    public void AnInputThatIsNotFloat32NchwIsOCD1532NamingTheInputAndTheModelIsUntouched()
    {
        var b = new OnnxModelBuilder("flat");
        b.Input("features", ElementType.Float, 1L, 16);
        b.NamedNode("relu", "Relu", ["features"], ["y"]);
        b.Output("y", ElementType.Float, 1L, 16);
        var original = b.Build();
        var model = original.Clone();

        var e = Assert.Throws<CodesignException>(() => Pipelines.PrependNormalization(InputNormalization.ToTensor).Run(new ModelGraph(model), PassContext.InMemory));

        Assert.Equal(ErrorCodes.PrependNormalizationUnsupported, e.Code);
        Assert.Contains("input 'features' is float of rank 2", e.Message);
        Assert.Equal(original, model);
    }
}
