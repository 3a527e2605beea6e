using Google.Protobuf;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Building;

/// <summary>
/// The torchvision builders against torchvision's own figures: parameter counts (sum of numel over
/// parameters(), exact) and multiply-adds at 224×224 (torchvision's model table, "GFLOPS", which counts
/// conv and linear multiply-adds, to its two decimals).
/// </summary>
public sealed class TorchvisionModelTests
{
    [Theory]
    [InlineData("alexnet", 61_100_840, 0.71)]
    [InlineData("mobilenet_v2", 3_504_872, 0.30)]
    [InlineData("resnet18", 11_689_512, 1.81)]
    [InlineData("resnet34", 21_797_672, 3.66)]
    [InlineData("resnet50", 25_557_032, 4.09)]
    [InlineData("resnet101", 44_549_160, 7.80)]
    [InlineData("resnet152", 60_192_808, 11.51)]
    [InlineData("vgg11", 132_863_336, 7.61)]
    [InlineData("vgg13", 133_047_848, 11.31)]
    [InlineData("vgg16", 138_357_544, 15.47)]
    [InlineData("vgg19", 143_667_240, 19.63)]
    public void Parameters_and_macs_are_torchvisions(string name, long parameters, double gmacs)
    {
        var model = TorchvisionModels.ByName(name);

        // ResNets and MobileNetV2 ship BN folded (TorchvisionParameterCount adds γ back; MobileNetV2's Clip bounds
        // are no parameters). VGG and AlexNet have no BN.
        long count = name switch
        {
            "mobilenet_v2" => ResNet50.TorchvisionParameterCount(model) - MobileNetV2.ClipBoundElements,
            _ when name.StartsWith("resnet", StringComparison.Ordinal) => ResNet50.TorchvisionParameterCount(model),
            _ => ParameterCount.Initializers(model),
        };
        Assert.Equal(parameters, count);
        Assert.Equal(gmacs, Analysis.Of(model).Cost.Macs / 1e9, 2);
    }

    [Fact]
    public void ResNets_builds_resnet50_byte_for_byte()
    {
        var general = ResNets.Build(ResNetLayout.ResNet50);
        var specific = SampleModels.ResNet50();
        Assert.Equal(specific.ToByteArray(), general.ToByteArray());
    }

    [Theory]
    [InlineData("resnet18", 2, 8, 20)]
    [InlineData("resnet34", 3, 16, 36)]
    [InlineData("resnet101", 3, 33, 104)]
    public void ResNet_layout_is_torchvisions(string name, int stageOneBlocks, int adds, int convs)
    {
        var model = TorchvisionModels.ByName(name);
        var convNodes = model.Graph.Node.Where(n => n.OpType == "Conv").ToDictionary(n => n.Name);
        long Stride(string conv) => convNodes[conv].Attribute.Single(a => a.Name == "strides").Ints[0];

        Assert.Equal(convs, convNodes.Count);
        Assert.Equal(adds, model.Graph.Node.Count(n => n.OpType == "Add"));
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(2, Stride("conv1"));
        Assert.Equal(2, Stride("layer4.0.downsample.0"));
        // Only a bottleneck's first block widens 64 → 256 and so needs a shortcut conv in stage 1.
        Assert.Equal(name == "resnet101", convNodes.ContainsKey("layer1.0.downsample.0"));
        Assert.True(convNodes.ContainsKey($"layer1.{stageOneBlocks - 1}.conv1"));
        Assert.False(convNodes.ContainsKey($"layer1.{stageOneBlocks}.conv1"));
        // The stride sits on the first 3×3 of a basic block and on the 3×3 (conv2) of a bottleneck (v1.5).
        string strided = name == "resnet101" ? "layer2.0.conv2" : "layer2.0.conv1";
        Assert.Equal(2, Stride(strided));
    }

    [Fact]
    public void Vgg16_has_thirteen_convs_five_pools_three_linear_layers()
    {
        var model = TorchvisionModels.ByName("vgg16");
        Assert.Equal(13, model.Graph.Node.Count(n => n.OpType == "Conv"));
        Assert.Equal(5, model.Graph.Node.Count(n => n.OpType == "MaxPool"));
        Assert.Equal(3, model.Graph.Node.Count(n => n.OpType == "Gemm"));
        Assert.Equal(15, model.Graph.Node.Count(n => n.OpType == "Relu"));
        Assert.Equal([4096L, 25088L], model.Graph.Initializer.Single(t => t.Name == "classifier.0.weight").Dims);
    }

    [Fact]
    public void MobileNetV2_has_torchvisions_blocks_and_runs()
    {
        var model = MobileNetV2.Build(inputSize: 64);
        var nodes = model.Graph.Node;
        Assert.Equal(52, nodes.Count(n => n.OpType == "Conv"));
        Assert.Equal(17, nodes.Count(n => n.OpType == "Conv" && n.Attribute.Single(a => a.Name == "group").I > 1));
        Assert.Equal(35, nodes.Count(n => n.OpType == "Clip"));
        Assert.Equal(10, nodes.Count(n => n.OpType == "Add"));
        var y = Assert.Single(OrtRunner.Run(model));
        Assert.Equal([1L, 1000L], y.Shape);
        Assert.All(y.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void MobileNetV2_before_opset_11_takes_clip_bounds_as_attributes()
    {
        var model = MobileNetV2.Build(new SampleOptions(Opset: 10), inputSize: 32);
        Assert.All(model.Graph.Node.Where(n => n.OpType == "Clip"), n => Assert.Single(n.Input));
        Assert.Equal(1000, Assert.Single(OrtRunner.Run(model)).Shape[1]);
    }

    [Fact]
    public void Unknown_name_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => TorchvisionModels.ByName("resnet19"));
        Assert.Contains("resnet18", e.Message);
    }
}
