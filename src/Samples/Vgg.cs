using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>
/// A torchvision VGG configuration: output channels of each 3×3 conv, 0 for a 2×2/2 max pool
/// (torchvision's cfgs "A", "B", "D", "E" with "M" written as 0).
/// </summary>
public sealed record VggLayout(string Name, IReadOnlyList<int> Features)
{
    public const int Pool = 0;

    public static VggLayout Vgg11 { get; } = new("vgg11", [64, Pool, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool]);

    public static VggLayout Vgg13 { get; } = new("vgg13", [64, 64, Pool, 128, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool]);

    public static VggLayout Vgg16 { get; } = new("vgg16", [64, 64, Pool, 128, 128, Pool, 256, 256, 256, Pool, 512, 512, 512, Pool, 512, 512, 512, Pool]);

    public static VggLayout Vgg19 { get; } = new("vgg19", [64, 64, Pool, 128, 128, Pool, 256, 256, 256, 256, Pool, 512, 512, 512, 512, Pool, 512, 512, 512, 512, Pool]);
}

/// <summary>
/// torchvision's VGG (without BN; the _bn variants are the same after BN folding) as eval-mode export writes
/// it: 3×3 convs with bias and ReLU, 2×2/2 max pools, Flatten, then fc 25088→4096→4096→classes with ReLU
/// (Dropout vanishes in eval export). torchvision's AdaptiveAvgPool2d((7, 7)) is the identity at 224×224
/// and is left out, so only 224×224 is built.
/// </summary>
public static class Vgg
{
    public const long InputSize = 224;

    public const long Hidden = 4096;

    public static ModelProto Build(VggLayout layout, SampleOptions? options = null, long classes = 1000)
    {
        var o = options ?? SampleOptions.Default;
        var (l, x) = o.Start(layout.Name, 3, InputSize, InputSize);
        int conv = 0;
        for (int i = 0; i < layout.Features.Count; i++)
        {
            int c = layout.Features[i];
            x = c == VggLayout.Pool
                ? l.MaxPool(x, 2, 2, 0, $"features.{i}")
                : l.Relu(l.Conv(x, new ConvSpec(c, 3, 1, 1), name: $"features.{i}.conv{conv++}"), $"features.{i}.relu");
        }
        string h = l.Flatten(x, "flatten");
        h = FullyConnected(l, h, x.Channels * x.Height * x.Width, Hidden, "classifier.0", relu: true);
        h = FullyConnected(l, h, Hidden, Hidden, "classifier.3", relu: true);
        string logits = l.Gemm(h, Hidden, classes, "classifier.6");
        l.Builder.Output(logits, ElementType.Float, o.BatchDim, classes);
        return l.Builder.Build();
    }

    /// <summary>Gemm then, when <paramref name="relu"/>, ReLU: a Linear layer of a classifier head.</summary>
    internal static string FullyConnected(CnnLayers l, string x, long inFeatures, long outFeatures, string name, bool relu)
    {
        string y = l.Gemm(x, inFeatures, outFeatures, name);
        return relu ? l.Relu(new FeatureMap(y, outFeatures, 1, 1), name + ".relu").Name : y;
    }
}
