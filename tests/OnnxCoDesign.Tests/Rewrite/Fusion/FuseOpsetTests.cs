using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>fuse-branches across opsets, and on exports that list initializers as graph inputs.</summary>
public sealed class FuseOpsetTests
{
    [Theory]
    [InlineData(9, FusionStrategy.S1)]
    [InlineData(11, FusionStrategy.S2)]
    [InlineData(17, FusionStrategy.S4)]
    [InlineData(21, FusionStrategy.S3)]
    public void FusesTinyAtOpset(int opset, FusionStrategy strategy)
    {
        var original = RewriteRun.Tiny(opset: opset);
        var (model, result) = RewriteRun.Fuse(original, strategy);

        Assert.Equal(5, result.Pass.Rewrites.Count);
        Assert.Empty(result.Pass.LeftAlone);
        BlockCensus.CheckAll(original, model, BlockCensus.BlocksOf(original), _ => strategy);
        Equivalent(original, model);
    }

    [Theory]
    [InlineData(8, null, FusionStrategy.S1)] // IR 3: every initializer is also an input
    [InlineData(8, null, FusionStrategy.S4)]
    [InlineData(13, true, FusionStrategy.S2)]
    public void ListsNewInitializersOnlyWhereTheIrRequiresAndDropsRemovedOnes(int opset, bool? initializersAsInputs, FusionStrategy strategy)
    {
        var original = RepVggNet.Train(new RepVggLayout([8, 8, 16], [1, 2, 2], InputSize: 16, Classes: 10),
            RepVggExportForm.BnSeparate, new SampleOptions(Opset: opset, InitializersAsInputs: initializersAsInputs));

        var (model, result) = RewriteRun.Fuse(original, strategy);

        Assert.Equal(5, result.Pass.Rewrites.Count);
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        Assert.All(model.Graph.Input, i => Assert.True(i.Name == "input" || initializers.Contains(i.Name), $"input '{i.Name}' names nothing"));
        var listed = model.Graph.Input.Select(i => i.Name).ToHashSet();
        var added = initializers.Where(n => !original.Graph.Initializer.Any(i => i.Name == n)).ToList();
        Assert.NotEmpty(added);
        Assert.All(added, n => Assert.Equal(model.IrVersion < 4, listed.Contains(n)));
        Equivalent(original, model); // WellFormed checks IR 3's listing; ONNX Runtime loads the model
    }
}
