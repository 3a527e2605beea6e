using Onnx;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Samples;

/// <summary>
/// torchvision's mobilenet_v2 as eval-mode export writes it: a 3×3/2 stem (32), seventeen inverted residual
/// blocks — 1×1 expand (×t; none when t = 1), 3×3 depthwise carrying the stride, 1×1 linear projection, a residual
/// Add where stride is 1 and widths match — a 1×1 conv to 1280, global average pool, Flatten, fc. BN is folded
/// by default; ReLU6 is Clip(x, 0, 6), with the bounds as shared initializers from opset 11 and as attributes before.
/// </summary>
public static class MobileNetV2
{
    /// <summary>torchvision's inverted_residual_setting: expansion t, width c, repeats n, first stride s.</summary>
    public static IReadOnlyList<(int T, long C, int N, int S)> Settings { get; } =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    public const long LastChannels = 1280;

    /// <summary>The Clip bounds (min, max scalars), counted by ParameterCount.Initializers but not by torchvision.</summary>
    public const long ClipBoundElements = 2;

    public static ModelProto Build(SampleOptions? options = null, BatchNormForm form = BatchNormForm.Folded, long classes = 1000, long inputSize = 224)
    {
        var o = options ?? SampleOptions.Default;
        var (l, x) = o.Start("mobilenet_v2", 3, inputSize, inputSize);
        var relu6 = new Relu6(l);
        x = relu6.Apply(l.ConvBn(x, new ConvSpec(32, 3, 2), form, "features.0.0", "features.0.1"), "features.0.2");
        int index = 1;
        foreach (var (t, c, n, s) in Settings)
        {
            for (int i = 0; i < n; i++, index++)
            {
                x = InvertedResidual(l, relu6, x, c, i == 0 ? s : 1, t, form, $"features.{index}");
            }
        }
        x = relu6.Apply(l.ConvBn(x, new ConvSpec(LastChannels, 1), form, $"features.{index}.0", $"features.{index}.1"), $"features.{index}.2");
        string logits = l.Classifier(x, classes, "classifier.1");
        l.Builder.Output(logits, ElementType.Float, o.BatchDim, classes);
        return l.Builder.Build();
    }

    private static FeatureMap InvertedResidual(CnnLayers l, Relu6 relu6, FeatureMap x, long outChannels, int stride, int expand, BatchNormForm form, string name)
    {
        long hidden = x.Channels * expand;
        var y = x;
        int layer = 0;
        if (expand != 1)
        {
            y = relu6.Apply(l.ConvBn(y, new ConvSpec(hidden, 1), form, $"{name}.conv.{layer}.0", $"{name}.conv.{layer}.1"), $"{name}.conv.{layer}.2");
            layer++;
        }
        y = relu6.Apply(l.ConvBn(y, new ConvSpec(hidden, 3, stride, Groups: (int)hidden), form, $"{name}.conv.{layer}.0", $"{name}.conv.{layer}.1"), $"{name}.conv.{layer}.2");
        layer++;
        y = l.ConvBn(y, new ConvSpec(outChannels, 1), form, $"{name}.conv.{layer}", $"{name}.conv.{layer + 1}");
        return stride == 1 && x.Channels == outChannels ? l.Add(x, y, $"{name}.add") : y;
    }

    /// <summary>ReLU6 as Clip; from opset 11 its bounds are inputs, one pair of initializers shared by every Clip.</summary>
    private sealed class Relu6(CnnLayers l)
    {
        private (string Min, string Max)? _bounds;

        public FeatureMap Apply(FeatureMap x, string name)
        {
            var b = l.Builder;
            string node = b.Reserve(name);
            string output = b.Reserve(node + "_output_0");
            if (l.Opset < 11)
            {
                b.NamedNode(node, "Clip", [x.Name], [output], Float("min", 0f), Float("max", 6f));
                return x with { Name = output };
            }
            _bounds ??= (Scalar("relu6.min", 0f), Scalar("relu6.max", 6f));
            b.NamedNode(node, "Clip", [x.Name, _bounds.Value.Min, _bounds.Value.Max], [output]);
            return x with { Name = output };
        }

        private string Scalar(string name, float value)
        {
            string n = l.Builder.Reserve(name);
            l.Builder.Initializer(n, [value]);
            return n;
        }
    }
}
