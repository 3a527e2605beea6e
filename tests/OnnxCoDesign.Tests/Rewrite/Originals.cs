using Onnx;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>
/// The sample models the rewrite tests start from, built once per test run. Passes run on clones
/// (<see cref="RewriteRun"/>), so these stay as built; nothing may edit them.
/// </summary>
internal static class Originals
{
    private static readonly Lazy<ModelProto> _a0Separate = new(() => SampleModels.RepVggA0(RepVggExportForm.BnSeparate));
    private static readonly Lazy<ModelProto> _a0Folded = new(() => SampleModels.RepVggA0(RepVggExportForm.BnFolded));
    private static readonly Lazy<ModelProto> _a0Deploy = new(() => SampleModels.RepVggA0Deploy());
    private static readonly Lazy<ModelProto> _groupedSeparate = new(() => SampleModels.RepVggGrouped(RepVggExportForm.BnSeparate, groups: 2));
    private static readonly Lazy<ModelProto> _groupedFolded = new(() => SampleModels.RepVggGrouped(RepVggExportForm.BnFolded, groups: 2));
    private static readonly Lazy<ModelProto> _groupedDeploy = new(() => SampleModels.RepVggGroupedDeploy(groups: 2));
    private static readonly Lazy<ModelProto> _resNet50Separate = new(() => SampleModels.ResNet50(BatchNormForm.Separate));
    private static readonly Lazy<ModelProto> _resNet50Folded = new(() => SampleModels.ResNet50(BatchNormForm.Folded));

    public static ModelProto A0Separate => _a0Separate.Value;
    public static ModelProto A0Folded => _a0Folded.Value;
    public static ModelProto A0Deploy => _a0Deploy.Value;
    public static ModelProto GroupedSeparate => _groupedSeparate.Value;
    public static ModelProto GroupedFolded => _groupedFolded.Value;
    public static ModelProto GroupedDeploy => _groupedDeploy.Value;
    public static ModelProto ResNet50Separate => _resNet50Separate.Value;
    public static ModelProto ResNet50Folded => _resNet50Folded.Value;

    /// <summary>A RepVGG sample by the name the theories use ("a0", "a0-folded", "grouped", "grouped-folded", "tiny", …).</summary>
    public static ModelProto RepVgg(string name) => name switch
    {
        "a0" => A0Separate,
        "a0-folded" => A0Folded,
        "grouped" => GroupedSeparate,
        "grouped-folded" => GroupedFolded,
        "tiny" => Tiny.Separate,
        "tiny-folded" => Tiny.Folded,
        "tiny-grouped" => Tiny.Grouped,
        _ => throw new ArgumentException($"no RepVGG original named '{name}'", nameof(name)),
    };

    /// <summary>The deploy model with the same weights: what S1 of <see cref="RepVgg"/> must cost.</summary>
    public static ModelProto DeployOf(string name) => name switch
    {
        "a0" or "a0-folded" => A0Deploy,
        "grouped" or "grouped-folded" => GroupedDeploy,
        _ => throw new ArgumentException($"no deploy model for '{name}'", nameof(name)),
    };

    private static class Tiny
    {
        public static readonly ModelProto Separate = RewriteRun.Tiny();
        public static readonly ModelProto Folded = RewriteRun.Tiny(RepVggExportForm.BnFolded);
        public static readonly ModelProto Grouped = RewriteRun.Tiny(groups: 2);
    }
}
