using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Fuzzing.Models;

/// <summary>
/// The valid models mutations start from: the builder's networks at sizes small enough that one input runs
/// through four commands in well under a second (1×3×32×32 inputs, 8–16 channels). They cover what the passes
/// look for: RepVGG blocks in every export form, BN beside convs, residual adds, inception concats, an
/// upsampling neck with several graph outputs, a symbolic batch, and the IR 3 form (initializers as inputs).
/// </summary>
public static class BaseModels
{
    private static readonly RepVggLayout TinyRepVgg = new([8, 8, 16, 16], [1, 2, 1, 1], InputSize: 32, Classes: 10);

    public static IReadOnlyList<string> Names { get; } =
    [
        "repvgg", "repvgg-folded", "repvgg-deploy", "repvgg-grouped", "repvgg-opset8", "repvgg-batch-symbol",
        "resnet", "inception", "detector", "detector-opset11",
    ];

    /// <summary>The model by name; the same name and seed always give the same bytes.</summary>
    public static ModelProto Build(string name, ulong seed) => name switch
    {
        "repvgg" => RepVggNet.Train(TinyRepVgg, RepVggExportForm.BnSeparate, new SampleOptions(Seed: seed)),
        "repvgg-folded" => RepVggNet.Train(TinyRepVgg, RepVggExportForm.BnFolded, new SampleOptions(Seed: seed)),
        "repvgg-deploy" => RepVggNet.Deploy(TinyRepVgg, new SampleOptions(Seed: seed)),
        "repvgg-grouped" => RepVggNet.Train(TinyRepVgg with { Groups = 2 }, RepVggExportForm.BnSeparate, new SampleOptions(Seed: seed)),
        "repvgg-opset8" => RepVggNet.Train(TinyRepVgg, RepVggExportForm.BnSeparate, new SampleOptions(Opset: 8, Seed: seed)),
        "repvgg-batch-symbol" => RepVggNet.Train(TinyRepVgg, RepVggExportForm.BnSeparate, new SampleOptions(BatchSymbol: "batch", Seed: seed)),
        "resnet" => ResNet(new SampleOptions(Seed: seed)),
        "inception" => Inception(new SampleOptions(Seed: seed)),
        "detector" => Detector(new SampleOptions(Seed: seed)),
        "detector-opset11" => Detector(new SampleOptions(Opset: 11, Seed: seed)),
        _ => throw new ArgumentException($"unknown base model '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>A BN-separate stem and two torchvision bottlenecks (one with a strided downsample).</summary>
    private static ModelProto ResNet(SampleOptions o)
    {
        var (l, x) = o.Start("resnet", 3, 32, 32);
        x = l.Relu(l.ConvBn(x, new ConvSpec(8, 3, 2), BatchNormForm.Separate, "conv1", "bn1"), "relu");
        x = ResNetBottleneck.Add(l, x, 2, 1, BatchNormForm.Separate, "layer1.0");
        x = ResNetBottleneck.Add(l, x, 4, 2, BatchNormForm.Folded, "layer2.0");
        return Finish(l, o, l.Classifier(x, 10), 10);
    }

    private static ModelProto Inception(SampleOptions o)
    {
        var (l, x) = o.Start("inception", 3, 32, 32);
        x = l.MaxPool(l.Relu(l.Conv(x, new ConvSpec(8, 3, 2))), 3, 2, 1);
        x = InceptionBlock.Add(l, x, 4, 4, 8, 2, 4, 4);
        return Finish(l, o, l.Classifier(x, 10), 10);
    }

    /// <summary><see cref="TinyDetector"/>'s shape (SiLU backbone, upsampling neck, one head per scale) at 8–32 channels.</summary>
    private static ModelProto Detector(SampleOptions o)
    {
        var (l, x) = o.Start("detector", 3, 32, 32);
        var p3 = ConvSilu(l, ConvSilu(l, x, 8, 3, 2), 16, 3, 2);
        var p4 = ConvSilu(l, p3, 32, 3, 2);
        var lateral = ConvSilu(l, p4, 16, 1, 1);
        var n3 = ConvSilu(l, l.Concat(l.Upsample(lateral, 2), p3), 16, 3, 1);
        foreach (var (map, name) in new[] { (n3, "head_stride4"), (lateral, "head_stride8") })
        {
            var head = l.Conv(map, new ConvSpec(6, 1), bias: true, name: name);
            l.Builder.Output(head.Name, ElementType.Float, head.Dims(o.BatchDim));
        }
        return l.Builder.Build();
    }

    private static FeatureMap ConvSilu(CnnLayers l, FeatureMap x, long outChannels, int kernel, int stride) =>
        l.Silu(l.Conv(x, new ConvSpec(outChannels, kernel, stride)));

    private static ModelProto Finish(CnnLayers l, SampleOptions o, string logits, long classes)
    {
        l.Builder.Output(logits, ElementType.Float, o.BatchDim, classes);
        return l.Builder.Build();
    }
}
