using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>The sample models, built in code with deterministic weights (same arguments → same bytes).</summary>
public static class SampleModels
{
    public const ulong DefaultSeed = 1;

    public static IReadOnlyList<string> Names { get; } =
        ["repvgg-a0", "repvgg-a0-folded", "repvgg-a0-deploy", "resnet50", "inception", "detector", "repvgg-grouped"];

    /// <summary>A sample by name with default options; throws listing the names when unknown.</summary>
    public static ModelProto ByName(string name) => name switch
    {
        "repvgg-a0" => RepVggA0(),
        "repvgg-a0-folded" => RepVggA0(RepVggExportForm.BnFolded),
        "repvgg-a0-deploy" => RepVggA0Deploy(),
        "resnet50" => ResNet50(),
        "inception" => Inception(),
        "detector" => Detector(),
        "repvgg-grouped" => RepVggGrouped(),
        _ => throw new ArgumentException($"unknown sample '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>RepVGG-A0 in training form at N×3×224×224 → [N, 1000].</summary>
    public static ModelProto RepVggA0(RepVggExportForm form = RepVggExportForm.BnSeparate, int batch = 1, int opset = 13, ulong seed = DefaultSeed) =>
        RepVggNet.Train(RepVggLayout.A0, form, new SampleOptions(batch, Opset: opset, Seed: seed));

    /// <summary>RepVGG-A0 in deploy form; for the same seed, the exact fusion of <see cref="RepVggA0"/>.</summary>
    public static ModelProto RepVggA0Deploy(int batch = 1, int opset = 13, ulong seed = DefaultSeed) =>
        RepVggNet.Deploy(RepVggLayout.A0, new SampleOptions(batch, Opset: opset, Seed: seed));

    /// <summary>A small RepVGG with groups on every other block (like the g2/g4 variants), 64×64 input.</summary>
    public static ModelProto RepVggGrouped(RepVggExportForm form = RepVggExportForm.BnSeparate, int groups = 2, int batch = 1, int opset = 13, ulong seed = DefaultSeed) =>
        RepVggNet.Train(GroupedLayout(groups), form, new SampleOptions(batch, Opset: opset, Seed: seed));

    /// <summary>The deploy form of <see cref="RepVggGrouped"/> (the same function for the same seed).</summary>
    public static ModelProto RepVggGroupedDeploy(int groups = 2, int batch = 1, int opset = 13, ulong seed = DefaultSeed) =>
        RepVggNet.Deploy(GroupedLayout(groups), new SampleOptions(batch, Opset: opset, Seed: seed));

    /// <summary>torchvision's ResNet-50, BN folded into conv biases by default; see <see cref="OnnxCoDesign.Samples.ResNet50"/>.</summary>
    public static ModelProto ResNet50(BatchNormForm form = BatchNormForm.Folded, int batch = 1, string? batchSymbol = null, int opset = 13, ulong seed = DefaultSeed) =>
        OnnxCoDesign.Samples.ResNet50.Build(new SampleOptions(batch, batchSymbol, opset, seed), form);

    /// <summary>A GoogLeNet-like stem (7×7/2 conv, 3×3/2 maxpool) and inception blocks 3a and 3b, 224×224 → [N, 1000].</summary>
    public static ModelProto Inception(int batch = 1, int opset = 13, ulong seed = DefaultSeed)
    {
        var o = new SampleOptions(batch, Opset: opset, Seed: seed);
        var (l, x) = o.Start("inception", 3, 224, 224);
        x = l.MaxPool(l.Relu(l.Conv(x, new ConvSpec(64, 7, 2, 3))), 3, 2, 1);
        x = InceptionBlock.Add(l, x, 64, 96, 128, 16, 32, 32);
        x = InceptionBlock.Add(l, x, 128, 128, 192, 32, 96, 64);
        string logits = l.Classifier(x, 1000);
        l.Builder.Output(logits, ElementType.Float, o.BatchDim, 1000L);
        return l.Builder.Build();
    }

    /// <summary>The three-head detector at 320×320: outputs [N,255,40,40], [N,255,20,20], [N,255,10,10].</summary>
    public static ModelProto Detector(int batch = 1, int opset = 13, ulong seed = DefaultSeed) =>
        TinyDetector.Build(new SampleOptions(batch, Opset: opset, Seed: seed));

    private static RepVggLayout GroupedLayout(int groups) => new([16, 32, 64, 128, 256], [1, 2, 3, 2, 1], groups, InputSize: 64);
}
