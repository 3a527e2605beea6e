using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>
/// torchvision's alexnet as eval-mode export writes it: conv 11×11/4 (64) → pool → conv 5×5 (192) → pool →
/// conv 3×3 (384, 256, 256) → pool, each conv with bias and ReLU, 3×3/2 max pools; Flatten, then fc
/// 9216→4096→4096→classes with ReLU (Dropout vanishes in eval export). AdaptiveAvgPool2d((6, 6)) is the
/// identity at 224×224 and is left out, so only 224×224 is built.
/// </summary>
public static class AlexNet
{
    public const long InputSize = 224;

    public static ModelProto Build(SampleOptions? options = null, long classes = 1000)
    {
        var o = options ?? SampleOptions.Default;
        var (l, x) = o.Start("alexnet", 3, InputSize, InputSize);
        x = l.MaxPool(l.Relu(l.Conv(x, new ConvSpec(64, 11, 4, 2), name: "features.0"), "features.1"), 3, 2, 0, "features.2");
        x = l.MaxPool(l.Relu(l.Conv(x, new ConvSpec(192, 5, 1, 2), name: "features.3"), "features.4"), 3, 2, 0, "features.5");
        x = l.Relu(l.Conv(x, new ConvSpec(384, 3, 1, 1), name: "features.6"), "features.7");
        x = l.Relu(l.Conv(x, new ConvSpec(256, 3, 1, 1), name: "features.8"), "features.9");
        x = l.Relu(l.Conv(x, new ConvSpec(256, 3, 1, 1), name: "features.10"), "features.11");
        x = l.MaxPool(x, 3, 2, 0, "features.12");
        string h = l.Flatten(x, "flatten");
        h = Vgg.FullyConnected(l, h, x.Channels * x.Height * x.Width, 4096, "classifier.1", relu: true);
        h = Vgg.FullyConnected(l, h, 4096, 4096, "classifier.4", relu: true);
        string logits = l.Gemm(h, 4096, classes, "classifier.6");
        l.Builder.Output(logits, ElementType.Float, o.BatchDim, classes);
        return l.Builder.Build();
    }
}
