using Onnx;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Building;

public class RepVggTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(17)]
    public void Separate_and_folded_BN_exports_compute_the_same_function(int opset)
    {
        var separate = OrtRunner.Run(SampleModels.RepVggA0(RepVggExportForm.BnSeparate, opset: opset))[0];
        var folded = OrtRunner.Run(SampleModels.RepVggA0(RepVggExportForm.BnFolded, opset: opset))[0];
        OrtRunner.AssertFiniteAndAlive(separate);
        Assert.InRange(OrtRunner.RelativeError(separate.Data, folded.Data), 0, Tolerance);
    }

    [Fact]
    public void Deploy_form_is_the_exact_fusion_of_the_train_form()
    {
        var train = OrtRunner.Run(SampleModels.RepVggA0())[0];
        var deploy = OrtRunner.Run(SampleModels.RepVggA0Deploy())[0];
        Assert.InRange(OrtRunner.RelativeError(train.Data, deploy.Data), 0, Tolerance);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Grouped_blocks_fold_and_fuse_exactly(int groups)
    {
        var separate = OrtRunner.Run(SampleModels.RepVggGrouped(RepVggExportForm.BnSeparate, groups))[0];
        var folded = OrtRunner.Run(SampleModels.RepVggGrouped(RepVggExportForm.BnFolded, groups))[0];
        var deploy = OrtRunner.Run(SampleModels.RepVggGroupedDeploy(groups))[0];
        OrtRunner.AssertFiniteAndAlive(separate);
        Assert.InRange(OrtRunner.RelativeError(separate.Data, folded.Data), 0, Tolerance);
        Assert.InRange(OrtRunner.RelativeError(separate.Data, deploy.Data), 0, Tolerance);
        Assert.Contains(SampleModels.RepVggGrouped(groups: groups).Graph.Node,
            n => n.OpType == "Conv" && n.Attribute.Single(a => a.Name == "group").I == groups);
    }

    [Fact]
    public void A0_layout_has_22_blocks_with_identity_only_where_shapes_keep()
    {
        var model = SampleModels.RepVggA0();
        var convs = model.Graph.Node.Where(n => n.OpType == "Conv").ToList();
        Assert.Equal(44, convs.Count); // 3×3 and 1×1 per block
        // Blocks that keep their shape: stage1 1, stage2 3, stage3 13, stage4 0 → 17 identity BNs.
        Assert.Equal(17, model.Graph.Node.Count(n => n.Name.EndsWith(".rbr_identity")));
        Assert.Equal(44 + 17, model.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
        Assert.Equal(22, model.Graph.Node.Count(n => n.OpType == "Relu"));

        var deploy = SampleModels.RepVggA0Deploy();
        Assert.Equal(22, deploy.Graph.Node.Count(n => n.OpType == "Conv"));
        Assert.DoesNotContain(deploy.Graph.Node, n => n.OpType is "BatchNormalization" or "Add");
    }

    [Fact]
    public void Block_adds_dense_and_1x1_first_then_identity()
    {
        var model = SampleModels.RepVggA0(RepVggExportForm.BnFolded);
        var producer = model.Graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        var outer = model.Graph.Node.First(n => n.OpType == "Add" && producer[n.Input[1]].OpType == "BatchNormalization");
        var inner = producer[outer.Input[0]];
        Assert.Equal("Add", inner.OpType);
        Assert.EndsWith("rbr_dense.conv", producer[inner.Input[0]].Name);
        Assert.EndsWith("rbr_1x1.conv", producer[inner.Input[1]].Name);
        Assert.Equal(3, producer[inner.Input[0]].Input.Count); // folded: conv carries a bias
    }

    [Fact]
    public void Opset_forms_of_batch_norm_and_initializers_as_inputs()
    {
        var old = SampleModels.RepVggGrouped(opset: 8);
        Assert.Equal(3, old.IrVersion);
        Assert.All(old.Graph.Node.Where(n => n.OpType == "BatchNormalization"),
            n => Assert.Contains(n.Attribute, a => a.Name == "spatial"));
        Assert.Equal(old.Graph.Initializer.Count + 1, old.Graph.Input.Count);

        var modern = SampleModels.RepVggGrouped(opset: 17);
        Assert.Equal(8, modern.IrVersion);
        Assert.All(modern.Graph.Node.Where(n => n.OpType == "BatchNormalization"), n =>
        {
            Assert.DoesNotContain(n.Attribute, a => a.Name is "spatial" or "training_mode");
            Assert.Single(n.Output);
        });
        Assert.Single(modern.Graph.Input);
    }
}
