using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>Runs a pass on a copy of a model, so each test keeps its original for comparison.</summary>
internal static class RewriteRun
{
    public static (ModelProto Model, PassResult Result) FoldBn(ModelProto original)
    {
        var model = original.Clone();
        var graph = new ModelGraph(model);
        return (model, FoldBatchNorm.Run(graph, PassContext.InMemory));
    }

    public static (ModelProto Model, FusionResult Result) Fuse(ModelProto original, StrategyPlan plan)
    {
        var model = original.Clone();
        var graph = new ModelGraph(model);
        return (model, FuseBranches.Run(graph, PassContext.InMemory, plan));
    }

    public static (ModelProto Model, FusionResult Result) Fuse(ModelProto original, FusionStrategy strategy) => Fuse(original, new StrategyPlan(strategy));

    /// <summary>A three-stage RepVGG small enough for printouts: a stride-2 block then blocks with identity.</summary>
    public static ModelProto Tiny(RepVggExportForm form = RepVggExportForm.BnSeparate, int groups = 1, int opset = 13) =>
        RepVggNet.Train(new RepVggLayout([8, 8, 16], [1, 2, 2], groups, InputSize: 16, Classes: 10), form, new SampleOptions(Opset: opset));
}
