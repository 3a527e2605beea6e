using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Building;

public class ResNet50Tests
{
    [Fact]
    public void Folded_form_matches_torchvisions_parameter_count()
    {
        var model = SampleModels.ResNet50();
        Assert.Equal(ResNet50.TorchvisionParameters - ResNet50.BatchNormChannels, ParameterCount.Initializers(model));
        Assert.Equal(25_530_472, ParameterCount.Initializers(model));
        Assert.Equal(25_557_032, ResNet50.TorchvisionParameterCount(model));
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "BatchNormalization");
    }

    [Fact]
    public void Separate_form_learnable_count_is_torchvisions()
    {
        var model = SampleModels.ResNet50(BatchNormForm.Separate);
        Assert.Equal(25_557_032, ParameterCount.Learnable(model));
        Assert.Equal(25_557_032, ResNet50.TorchvisionParameterCount(model));
        Assert.Equal(25_557_032 + 2 * ResNet50.BatchNormChannels, ParameterCount.Initializers(model));
        Assert.Equal(53, model.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
    }

    [Fact]
    public void Layout_is_torchvision_v1_5()
    {
        var model = SampleModels.ResNet50();
        var convs = model.Graph.Node.Where(n => n.OpType == "Conv").ToDictionary(n => n.Name);
        Assert.Equal(53, convs.Count);
        long Stride(string name) => convs[name].Attribute.Single(a => a.Name == "strides").Ints[0];
        Assert.Equal(2, Stride("conv1"));
        Assert.Equal(1, Stride("layer1.0.conv2"));
        Assert.Equal(1, Stride("layer2.0.conv1"));
        Assert.Equal(2, Stride("layer2.0.conv2"));
        Assert.Equal(2, Stride("layer4.0.downsample.0"));
        Assert.Equal(16, model.Graph.Node.Count(n => n.OpType == "Add"));
    }

    [Fact]
    public void Both_forms_run_and_agree()
    {
        var folded = OrtRunner.Run(SampleModels.ResNet50())[0];
        var separate = OrtRunner.Run(SampleModels.ResNet50(BatchNormForm.Separate))[0];
        Assert.Equal([1L, 1000], folded.Shape);
        OrtRunner.AssertFiniteAndAlive(folded);
        Assert.InRange(OrtRunner.RelativeError(separate.Data, folded.Data), 0, 1e-4);
    }

    [Fact]
    public void Symbolic_batch_is_kept_on_input_and_output()
    {
        var model = SampleModels.ResNet50(batchSymbol: "batch");
        Assert.Equal("batch", model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("batch", model.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal([1L, 1000], OrtRunner.Run(model)[0].Shape);
    }
}
