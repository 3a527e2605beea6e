using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>
/// A RepVGG network layout: stage widths and block counts (stage 0 first), the first block of every stage
/// with stride 2, and groups on the layers the reference implementation's g2/g4 variants group.
/// </summary>
public sealed record RepVggLayout(long[] Widths, int[] Blocks, int Groups = 1, long InputSize = 224, long Classes = 1000)
{
    /// <summary>RepVGG-A0 (a = 0.75, b = 2.5): 224 → 112 → 56 → 28 → 14 → 7.</summary>
    public static RepVggLayout A0 { get; } = new([48, 48, 96, 192, 1280], [1, 2, 4, 14, 1]);

    /// <summary>
    /// Whether a block uses <see cref="Groups"/>: the reference numbers blocks from 1 after stage 0 and
    /// groups the even-numbered ones (its optional_groupwise_layers 2, 4, …, 26).
    /// </summary>
    public int GroupsOf(int layerIndex) => layerIndex > 0 && layerIndex % 2 == 0 ? Groups : 1;
}

/// <summary>Builds whole RepVGG classifiers, in training form (either export form) or deploy form.</summary>
public static class RepVggNet
{
    /// <summary>
    /// Damps every conv branch so that summing three branches per block does not grow activations by
    /// √3 per block through 22 blocks; the BN statistics stay in their documented ranges.
    /// </summary>
    public const double BranchGain = 0.45;

    public static ModelProto Train(RepVggLayout layout, RepVggExportForm form, SampleOptions o) =>
        Build(layout, o, "repvgg", (l, x, c, s, g, n) => RepVggBlockBuilder.Train(l, x, c, s, g, form, n, BranchGain));

    /// <summary>The deploy form; with the same seed it is the exact fusion of <see cref="Train"/>'s model.</summary>
    public static ModelProto Deploy(RepVggLayout layout, SampleOptions o) =>
        Build(layout, o, "repvgg_deploy", (l, x, c, s, g, n) => RepVggBlockBuilder.Deploy(l, x, c, s, g, n, BranchGain));

    private delegate FeatureMap BlockFn(CnnLayers l, FeatureMap x, long outChannels, int stride, int groups, string name);

    private static ModelProto Build(RepVggLayout layout, SampleOptions o, string graphName, BlockFn block)
    {
        var (l, x) = o.Start(graphName, 3, layout.InputSize, layout.InputSize);
        int layerIndex = 0;
        for (int stage = 0; stage < layout.Widths.Length; stage++)
        {
            for (int i = 0; i < layout.Blocks[stage]; i++)
            {
                x = block(l, x, layout.Widths[stage], i == 0 ? 2 : 1, layout.GroupsOf(layerIndex), $"stage{stage}.{i}");
                layerIndex++;
            }
        }
        string logits = l.Classifier(x, layout.Classes, "linear");
        l.Builder.Output(logits, ElementType.Float, o.BatchDim, layout.Classes);
        return l.Builder.Build();
    }
}
