using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>
/// A small YOLO-like detector: stride-2 Conv+SiLU backbone, an FPN-style top-down neck (1×1 lateral,
/// nearest ×2 Resize, Concat, 3×3 fuse), and 1×1 heads at strides 8, 16 and 32, one graph output each.
/// </summary>
public static class TinyDetector
{
    public const long DefaultInputSize = 320;

    /// <summary>Channels of every head: anchors · (4 box + 1 objectness + classes).</summary>
    public static long HeadChannels(int classes, int anchors) => anchors * (5L + classes);

    public static ModelProto Build(SampleOptions? options = null, long inputSize = DefaultInputSize, int classes = 80, int anchors = 3)
    {
        var o = options ?? SampleOptions.Default;
        if (inputSize % 32 != 0) throw new ArgumentException("the input size must be a multiple of 32", nameof(inputSize));
        var (l, x) = o.Start("detector", 3, inputSize, inputSize);

        x = ConvSilu(l, x, 16, 3, 2);                 // /2
        x = ConvSilu(l, x, 32, 3, 2);                 // /4
        var p3 = ConvSilu(l, x, 64, 3, 2);            // /8
        var p4 = ConvSilu(l, p3, 128, 3, 2);          // /16
        var p5 = ConvSilu(l, p4, 256, 3, 2);          // /32

        var lateral5 = ConvSilu(l, p5, 128, 1, 1);
        var n4 = ConvSilu(l, l.Concat(l.Upsample(lateral5, 2), p4), 128, 3, 1);
        var lateral4 = ConvSilu(l, n4, 64, 1, 1);
        var n3 = ConvSilu(l, l.Concat(l.Upsample(lateral4, 2), p3), 64, 3, 1);

        long headChannels = HeadChannels(classes, anchors);
        (FeatureMap Map, string Name)[] heads = [(n3, "head_stride8"), (n4, "head_stride16"), (lateral5, "head_stride32")];
        foreach (var (map, name) in heads)
        {
            var head = l.Conv(map, new ConvSpec(headChannels, 1), bias: true, name: name);
            l.Builder.Output(head.Name, ElementType.Float, head.Dims(o.BatchDim));
        }
        return l.Builder.Build();
    }

    private static FeatureMap ConvSilu(CnnLayers l, FeatureMap x, long outChannels, int kernel, int stride) =>
        l.Silu(l.Conv(x, new ConvSpec(outChannels, kernel, stride)));
}
