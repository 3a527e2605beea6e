using Onnx;
using OnnxCoDesign.Samples;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>fold-bn across the BatchNormalization versions exports use, and initializers listed as inputs.</summary>
public sealed class FoldBnOpsetTests
{
    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(17)]
    public void FoldsConvBnsAtEveryOpset(int opset)
    {
        var original = RewriteRun.Tiny(opset: opset);
        var (model, result) = RewriteRun.FoldBn(original);

        Assert.Equal(10, result.Rewrites.Count);
        Assert.Empty(result.LeftAlone);
        Assert.Equal(2, Count(model, "BatchNormalization"));
        Assert.Equal(opset, model.OpsetImport.Single().Version);
        Equivalent(original, model);
    }

    [Theory]
    [InlineData(8, null)] // IR 3: exports list every initializer as an input
    [InlineData(13, true)] // a later export with keep_initializers_as_inputs
    public void RemovesFoldedInitializersFromGraphInputsToo(int opset, bool? initializersAsInputs)
    {
        var original = RepVggNet.Train(new RepVggLayout([8, 8, 16], [1, 2, 2], InputSize: 16, Classes: 10),
            RepVggExportForm.BnSeparate, new SampleOptions(Opset: opset, InitializersAsInputs: initializersAsInputs));
        Assert.Contains(original.Graph.Input, i => i.Name == "stage1.1.rbr_dense.bn.running_var");

        var (model, result) = RewriteRun.FoldBn(original);

        Assert.Equal(10, result.Rewrites.Count);
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        var gone = original.Graph.Initializer.Select(i => i.Name).Where(n => !initializers.Contains(n)).ToList();
        Assert.Contains("stage1.1.rbr_dense.bn.running_var", gone);
        Assert.Contains("stage1.1.rbr_dense.conv.weight", gone);
        Assert.All(gone, name => Assert.DoesNotContain(model.Graph.Input, i => i.Name == name));
        // Every input is the image or names an initializer that exists.
        Assert.All(model.Graph.Input, i => Assert.True(i.Name == "input" || initializers.Contains(i.Name), $"input '{i.Name}' names nothing"));
        Equivalent(original, model); // ONNX Runtime loads it, and WellFormed checks IR 3's listing
    }
}
