using System.Collections.Concurrent;
using Onnx;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Samples;
using Xunit.Abstractions;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>
/// The catalog against published TensorRT latencies (src/Compiler/Devices/published-latencies.csv): each listed
/// torchvision model, built in the same architecture, prepared as the planner prepares it, and predicted whole
/// on the listed catalog device at the listed precision with the kernel-level model. README, "Grounding:
/// published TensorRT latencies", tabulates the output of <see cref="Prints_the_comparison_table"/>.
/// </summary>
public sealed class PublishedLatencyTests(ITestOutputHelper output)
{
    /// <summary>
    /// Predicted/published must lie within 1 ± Band: the catalog's efficiencies are assumptions (0.6 of peak
    /// compute, 0.7 of peak bandwidth, 20 µs per kernel), so a fifth either way is what such a model can claim.
    /// </summary>
    public const double Band = 0.20;

    /// <summary>
    /// Rows the catalog misses by more than <see cref="Band"/>, kept with a one-sided band that states the
    /// direction of the miss and its reason (README explains each); no catalog figure was tuned to close them.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string Model, string Device), (double Low, double High, string Reason)> Exceptions =
        new Dictionary<(string, string), (double, double, string)>
        {
            [("resnet34", "jetson-nano")] = (1.0, 1.5, Winograd),
            [("vgg11", "jetson-nano")] = (1.0, 1.5, Winograd),
            [("vgg13", "jetson-nano")] = (1.0, 1.5, Winograd),
            [("vgg16", "jetson-nano")] = (1.0, 1.5, Winograd),
            [("alexnet", "jetson-nano")] = (0.7, 1.0, "under-predicted on the Nano (it attains 21% of peak): its time goes to 117 MB of fp16 fully connected weights and an 11x11 stride-4 conv, which run below the assumed 0.7 of bandwidth and 0.6 of peak"),
            [("resnet18", "jetson-agx-xavier")] = (0.6, 1.0, XavierResNet),
            [("resnet34", "jetson-agx-xavier")] = (0.6, 1.0, XavierResNet),
            [("resnet50", "jetson-agx-xavier")] = (0.6, 1.0, XavierResNet),
            [("resnet101", "jetson-agx-xavier")] = (0.6, 1.0, XavierResNet),
        };

    private const string Winograd =
        "over-predicted on the Nano for nets made of 3x3 stride-1 convs (83-99% of their FLOPs): they attain 59-77% of the fp16 peak in direct-convolution FLOPs, above the assumed 0.6, which fits the 1x1-heavy ResNet-50 (58%)";

    private const string XavierResNet =
        "under-predicted on the AGX Xavier for ResNets at batch 1: they attain 20-24% of the tensor-core fp16 peak, far below the assumed 0.6 (VGG, attaining 26-41%, is predicted within 6%)";

    public static TheoryData<string> Models => new(PublishedLatencyTable.Rows.Select(r => r.Model).Distinct());

    [Theory]
    [MemberData(nameof(Models))]
    public void Kernel_level_prediction_is_within_the_band(string model)
    {
        var misses = new List<string>();
        foreach (var p in Predictions(model))
        {
            var (low, high, reason) = Exceptions.TryGetValue((p.Row.Model, p.Row.Device), out var e) ? e : (1 - Band, 1 + Band, "the band");
            double ratio = p.KernelMs / p.Row.LatencyMs;
            output.WriteLine($"{p.Row}: published {p.Row.LatencyMs} ms, kernel-level {p.KernelMs:F2} ms (x{ratio:F3}), node-level {p.NodeMs:F2} ms");
            if (ratio < low || ratio > high) misses.Add($"{p.Row}: predicted/published {ratio:F3} outside [{low}, {high}] ({reason})");
        }
        Assert.Empty(misses);
    }

    /// <summary>Grouping nodes into the kernels TensorRT runs brings the catalog closer to what was measured.</summary>
    [Fact]
    public void Kernel_level_model_is_closer_to_published_than_node_level()
    {
        var all = PublishedLatencyTable.Rows.Select(r => r.Model).Distinct().SelectMany(Predictions).ToList();
        double Mape(Func<RowPrediction, double> ms) => all.Average(p => Math.Abs(ms(p) / p.Row.LatencyMs - 1));
        double kernel = Mape(p => p.KernelMs), node = Mape(p => p.NodeMs);
        output.WriteLine($"mean |predicted/published - 1| over {all.Count} rows: kernel-level {kernel:P1}, node-level {node:P1}");
        Assert.True(kernel < node, $"kernel-level {kernel:P1} is not below node-level {node:P1}");
        // The node-level model charges ReLU, residual Add and 20 µs for each of them: it must predict slower on every row.
        Assert.All(all, p => Assert.True(p.NodeMs > p.KernelMs, p.Row.ToString()));
    }

    [Fact]
    public void Every_exception_names_a_row_the_band_misses()
    {
        foreach (var ((model, device), _) in Exceptions)
        {
            var p = Predictions(model).Single(p => p.Row.Device == device);
            Assert.True(Math.Abs(p.KernelMs / p.Row.LatencyMs - 1) > Band, $"{model} on {device} is within the band; drop its exception");
        }
    }

    [Fact]
    public void Every_row_names_a_built_model_and_a_catalog_device()
    {
        Assert.NotEmpty(PublishedLatencyTable.Rows);
        Assert.DoesNotContain('\r', File.ReadAllText(PublishedLatencyTable.PathInRepository));
        foreach (var row in PublishedLatencyTable.Rows)
        {
            Assert.Contains(row.Model, TorchvisionModels.Names);
            var device = DeviceCatalog.Find(row.Device);
            Assert.NotNull(device);
            Assert.True(device.Supports(row.Precision), $"{row}: the device does not run {row.Precision.Name()}");
            Assert.Equal("1x3x224x224", row.Input);
            Assert.Equal(1, row.Batch);
            Assert.True(row.LatencyMs > 0, row.ToString());
            Assert.Contains("github.com/", row.Source);
        }
        Assert.Equal(PublishedLatencyTable.Rows.Count, PublishedLatencyTable.Rows.DistinctBy(r => (r.Model, r.Device, r.Precision, r.Batch)).Count());
    }

    [Fact]
    public void Table_reader_rejects_a_row_with_a_missing_field()
    {
        var text = PublishedLatencyTable.Header + "\nresnet18,1x3x224x224,jetson-nano,fp16,1,not stated,11.4,latency\n";
        Assert.Throws<FormatException>(() => PublishedLatencyTable.Read(text));
    }

    /// <summary>The README's table: published, node-level and kernel-level predictions, FLOP share of 3x3 stride-1 convs, attained fraction of peak.</summary>
    [Fact]
    public void Prints_the_comparison_table()
    {
        output.WriteLine("| Model | Device | Published ms | Node-level ms | Kernel-level ms | Kernels | 3x3/1 FLOP share | Attained peak |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in PublishedLatencyTable.Rows)
        {
            var p = Predictions(row.Model).Single(p => p.Row == row);
            output.WriteLine($"| {row.Model} | {row.Device} | {row.LatencyMs} | {p.NodeMs:F2} ({p.NodeMs / row.LatencyMs - 1:+0%;-0%}) " +
                $"| {p.KernelMs:F2} ({p.KernelMs / row.LatencyMs - 1:+0%;-0%}) | {p.Kernels} | {p.Winograd3x3Share:P0} | {p.AttainedPeak:P0} |");
        }
        Assert.Equal(PublishedLatencyTable.Rows.Count, PublishedLatencyTable.Rows.Select(r => r.Model).Distinct().SelectMany(Predictions).Count());
    }

    private sealed record RowPrediction(PublishedLatency Row, double NodeMs, double KernelMs, int Kernels, double Winograd3x3Share, double AttainedPeak);

    // Each model is built and analysed once per test run; only the numbers are kept (the VGGs hold 0.5 GB of weights).
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<RowPrediction>>> Cache = new(StringComparer.Ordinal);

    private static IReadOnlyList<RowPrediction> Predictions(string model) =>
        Cache.GetOrAdd(model, m => new Lazy<IReadOnlyList<RowPrediction>>(() => Predict(m))).Value;

    private static IReadOnlyList<RowPrediction> Predict(string model)
    {
        var proto = TorchvisionModels.ByName(model);
        var analysis = Analyze(proto, model);
        double share = Share3x3Stride1(proto, analysis);
        return PublishedLatencyTable.Rows.Where(r => r.Model == model).Select(row =>
        {
            var device = DeviceCatalog.Find(row.Device) ?? throw new InvalidOperationException(row.Device);
            var precision = device.EffectivePrecision(row.Precision);
            double kernel = ModelPrediction.Seconds(analysis, device, precision, CostGranularity.Kernel) * 1e3;
            double node = ModelPrediction.Seconds(analysis, device, precision, CostGranularity.Node) * 1e3;
            int kernels = analysis.KernelsFor(KernelTime.RulesFor(device)).Kernels.Count(k => !k.IsFree);
            double attained = analysis.Cost.Flops / (row.LatencyMs * 1e-3 * device.Peak(precision));
            return new RowPrediction(row, node, kernel, kernels, share, attained);
        }).ToList();
    }

    /// <summary>The model as the planner sees it: prepare (drop-identity, fold-bn), then analysed.</summary>
    private static ModelAnalysis Analyze(ModelProto model, string name)
    {
        var graph = new ModelGraph(model);
        var context = PassContext.InMemory;
        Pipelines.Prepare().Run(graph, context);
        return ModelAnalysis.Of(graph, context, name);
    }

    /// <summary>The share of the model's FLOPs in 3x3 stride-1 convs, the ones TensorRT can run as Winograd.</summary>
    private static double Share3x3Stride1(ModelProto model, ModelAnalysis analysis)
    {
        static bool Is3x3Stride1(NodeProto n) => n.OpType == "Conv"
            && n.Attribute.Single(a => a.Name == "kernel_shape").Ints.All(k => k == 3)
            && n.Attribute.Single(a => a.Name == "strides").Ints.All(s => s == 1);
        var names = model.Graph.Node.Where(Is3x3Stride1).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        return (double)analysis.Cost.Nodes.Where(n => names.Contains(n.Node)).Sum(n => n.Flops ?? 0) / analysis.Cost.Flops;
    }
}
