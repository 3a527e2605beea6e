namespace OnnxCoDesign.Samples;

/// <summary>torchvision's ResNet basic block (ResNet-18/34): 3×3 (carrying the stride) → 3×3, plus shortcut.</summary>
public static class ResNetBasicBlock
{
    public const int Expansion = 1;

    /// <param name="name">Module path such as "layer1.0"; convs/BNs are named conv1/bn1, conv2/bn2 and downsample.</param>
    public static FeatureMap Add(CnnLayers l, FeatureMap x, long width, int stride, BatchNormForm form, string name)
    {
        var y = l.Relu(l.ConvBn(x, new ConvSpec(width, 3, stride), form, $"{name}.conv1", $"{name}.bn1"), $"{name}.relu1");
        y = l.ConvBn(y, new ConvSpec(width, 3), form, $"{name}.conv2", $"{name}.bn2", ResNetBottleneck.ResidualGain);
        var shortcut = stride != 1 || x.Channels != width
            ? l.ConvBn(x, new ConvSpec(width, 1, stride), form, $"{name}.downsample.0", $"{name}.downsample.1")
            : x;
        return l.Relu(l.Add(y, shortcut, $"{name}.add"), $"{name}.relu2");
    }
}
