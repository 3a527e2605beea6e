using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>
/// torchvision's resnet50 (v1.5: the stride sits on the 3×3 of each stage's first block).
/// <para>
/// Parameter counts: torchvision reports <see cref="TorchvisionParameters"/> = conv weights + BN γ and β
/// + fc. With <see cref="BatchNormForm.Separate"/> the initializers also hold BN running mean and var, so
/// they total 25,557,032 + 2·26,560; <see cref="ParameterCount.Learnable"/> drops those buffers and gives the
/// torchvision number. With <see cref="BatchNormForm.Folded"/> γ is absorbed into the weights and β becomes
/// the conv bias, so the initializers total 25,557,032 − <see cref="BatchNormChannels"/> = 25,530,472.
/// <see cref="TorchvisionParameterCount"/> recovers 25,557,032 from either form.
/// </para>
/// </summary>
public static class ResNet50
{
    public const long TorchvisionParameters = 25_557_032;

    /// <summary>Σ BN channels: 64 (stem) + per stage blocks·6·width + 4·width for the downsample BN.</summary>
    public const long BatchNormChannels = 26_560;

    public static IReadOnlyList<int> StageBlocks { get; } = [3, 4, 6, 3];

    public static IReadOnlyList<long> StageWidths { get; } = [64, 128, 256, 512];

    public static ModelProto Build(SampleOptions? options = null, BatchNormForm form = BatchNormForm.Folded, long classes = 1000, long inputSize = 224)
    {
        var o = options ?? SampleOptions.Default;
        var (l, x) = o.Start("resnet50", 3, inputSize, inputSize);
        x = l.Relu(l.ConvBn(x, new ConvSpec(64, 7, 2, 3), form, "conv1", "bn1"), "relu");
        x = l.MaxPool(x, 3, 2, 1, "maxpool");
        for (int stage = 0; stage < StageBlocks.Count; stage++)
        {
            for (int i = 0; i < StageBlocks[stage]; i++)
            {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                x = ResNetBottleneck.Add(l, x, StageWidths[stage], stride, form, $"layer{stage + 1}.{i}");
            }
        }
        string logits = l.Classifier(x, classes, "fc");
        l.Builder.Output(logits, ElementType.Float, o.BatchDim, classes);
        return l.Builder.Build();
    }

    /// <summary>
    /// torchvision's parameter count of a ResNet in either BN form: the learnable initializers, plus one
    /// more per conv-bias element, because in a torchvision ResNet every conv is bias-free and a conv bias
    /// can only be a folded BN's β, standing in for that BN's γ as well.
    /// </summary>
    public static long TorchvisionParameterCount(ModelProto model)
    {
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        long convBias = model.Graph.Node
            .Where(n => n.OpType == "Conv" && n.Input.Count > 2 && initializers.ContainsKey(n.Input[2]))
            .Sum(n => TensorFactory.ElementCount(initializers[n.Input[2]].Dims));
        return ParameterCount.Learnable(model) + convBias;
    }
}
