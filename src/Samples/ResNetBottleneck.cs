namespace OnnxCoDesign.Samples;

/// <summary>torchvision's ResNet v1.5 bottleneck: 1×1 → 3×3 (carrying the stride) → 1×1 (×4), plus shortcut.</summary>
public static class ResNetBottleneck
{
    public const int Expansion = 4;

    /// <summary>
    /// Damps the last conv of the residual branch (in the spirit of torchvision's zero_init_residual) so
    /// sixteen un-normalized residual sums keep activations in a sane range.
    /// </summary>
    public const double ResidualGain = 0.3;

    /// <param name="name">Module path such as "layer1.0"; convs/BNs are named conv1/bn1 … and downsample.0/.1.</param>
    public static FeatureMap Add(CnnLayers l, FeatureMap x, long width, int stride, BatchNormForm form, string name)
    {
        long outChannels = width * Expansion;
        var y = l.Relu(l.ConvBn(x, new ConvSpec(width, 1), form, $"{name}.conv1", $"{name}.bn1"), $"{name}.relu1");
        y = l.Relu(l.ConvBn(y, new ConvSpec(width, 3, stride), form, $"{name}.conv2", $"{name}.bn2"), $"{name}.relu2");
        y = l.ConvBn(y, new ConvSpec(outChannels, 1), form, $"{name}.conv3", $"{name}.bn3", ResidualGain);
        var shortcut = stride != 1 || x.Channels != outChannels
            ? l.ConvBn(x, new ConvSpec(outChannels, 1, stride), form, $"{name}.downsample.0", $"{name}.downsample.1")
            : x;
        return l.Relu(l.Add(y, shortcut, $"{name}.add"), $"{name}.relu3");
    }
}
