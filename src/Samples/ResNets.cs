using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>Which block a torchvision ResNet stacks.</summary>
public enum ResNetBlock
{
    /// <summary>Two 3×3 convs (ResNet-18/34).</summary>
    Basic,

    /// <summary>1×1 → 3×3 → 1×1 (×4), the stride on the 3×3 (v1.5; ResNet-50/101/152).</summary>
    Bottleneck,
}

/// <summary>A torchvision ResNet's depth: its block and the number of blocks per stage (widths 64, 128, 256, 512).</summary>
public sealed record ResNetLayout(string Name, ResNetBlock Block, IReadOnlyList<int> StageBlocks)
{
    public static ResNetLayout ResNet18 { get; } = new("resnet18", ResNetBlock.Basic, [2, 2, 2, 2]);

    public static ResNetLayout ResNet34 { get; } = new("resnet34", ResNetBlock.Basic, [3, 4, 6, 3]);

    public static ResNetLayout ResNet50 { get; } = new("resnet50", ResNetBlock.Bottleneck, [3, 4, 6, 3]);

    public static ResNetLayout ResNet101 { get; } = new("resnet101", ResNetBlock.Bottleneck, [3, 4, 23, 3]);

    public static ResNetLayout ResNet152 { get; } = new("resnet152", ResNetBlock.Bottleneck, [3, 8, 36, 3]);

    public static IReadOnlyList<ResNetLayout> All { get; } = [ResNet18, ResNet34, ResNet50, ResNet101, ResNet152];

    public int Expansion => Block == ResNetBlock.Basic ? ResNetBasicBlock.Expansion : ResNetBottleneck.Expansion;
}

/// <summary>
/// torchvision's ResNets (torchvision.models.resnet18 … resnet152) in their export layout: 7×7/2 stem conv,
/// BN, ReLU, 3×3/2 max pool, four stages of blocks (the first block of stages 2–4 strides by 2 and has a
/// 1×1 downsample shortcut), global average pool, fc. <see cref="ResNetLayout.ResNet50"/> builds the same
/// bytes as <see cref="OnnxCoDesign.Samples.ResNet50.Build"/>.
/// </summary>
public static class ResNets
{
    public static IReadOnlyList<long> StageWidths => ResNet50.StageWidths;

    public static ModelProto Build(ResNetLayout layout, SampleOptions? options = null, BatchNormForm form = BatchNormForm.Folded, long classes = 1000, long inputSize = 224)
    {
        var o = options ?? SampleOptions.Default;
        var (l, x) = o.Start(layout.Name, 3, inputSize, inputSize);
        x = l.Relu(l.ConvBn(x, new ConvSpec(64, 7, 2, 3), form, "conv1", "bn1"), "relu");
        x = l.MaxPool(x, 3, 2, 1, "maxpool");
        for (int stage = 0; stage < layout.StageBlocks.Count; stage++)
        {
            for (int i = 0; i < layout.StageBlocks[stage]; i++)
            {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                string name = $"layer{stage + 1}.{i}";
                x = layout.Block == ResNetBlock.Basic
                    ? ResNetBasicBlock.Add(l, x, StageWidths[stage], stride, form, name)
                    : ResNetBottleneck.Add(l, x, StageWidths[stage], stride, form, name);
            }
        }
        string logits = l.Classifier(x, classes, "fc");
        l.Builder.Output(logits, ElementType.Float, o.BatchDim, classes);
        return l.Builder.Build();
    }
}
