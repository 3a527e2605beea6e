using OnnxCoDesign.Compiler.Devices.Import;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>The node names in TensorRT layer names, in the forms TensorRT 8 and 10 give them.</summary>
public sealed class TrtexecLayerNameTests
{
    private static readonly HashSet<string> Nodes =
    [
        "Conv_0", "Relu_1", "Sigmoid_3", "Mul_4", "Conv_5", "Add_6",
        "/layer1/layer1.0/conv1/Conv", "/layer1/layer1.0/relu/Relu", "/layer1/layer1.0/Add",
        "/model/head/Concat", "weird + name",
    ];

    private static List<string> Names(string layer) =>
        LayerNames.References(layer, Nodes.Contains).Select(r => r.To is null ? r.From : $"{r.From}..{r.To}").ToList();

    [Theory]
    [InlineData("Conv_0 + Relu_1", "Conv_0|Relu_1")]
    [InlineData("/layer1/layer1.0/conv1/Conv + /layer1/layer1.0/Add + /layer1/layer1.0/relu/Relu", "/layer1/layer1.0/conv1/Conv|/layer1/layer1.0/Add|/layer1/layer1.0/relu/Relu")]
    [InlineData("PWN(PWN(Sigmoid_3), Mul_4)", "Sigmoid_3|Mul_4")]
    [InlineData("Conv_0 + PWN(Sigmoid_3, Mul_4)", "Conv_0|Sigmoid_3|Mul_4")]
    [InlineData("Conv_0 || Conv_5", "Conv_0|Conv_5")]
    [InlineData("{ForeignNode[/layer1/layer1.0/conv1/Conv.../model/head/Concat]}", "/layer1/layer1.0/conv1/Conv../model/head/Concat")]
    [InlineData("weird + name", "weird + name")]
    [InlineData("Conv_0 + (Unnamed Layer* 7) [Shuffle]", "Conv_0")]
    public void NamesTheNodesItFused(string layer, string expected) =>
        Assert.Equal(expected.Split('|'), Names(layer));

    [Theory]
    [InlineData("(Unnamed Layer* 12) [Shuffle]")]
    [InlineData("__myl_AddRelu_myl0_3")]
    [InlineData("Conv_10 + Relu_11")] // Conv_1 and Relu_1 are prefixes of these, not these
    [InlineData("shuffle_between_Conv_0_and_Relu_1")]
    public void NamesNoNodeWhereItNamesNone(string layer) => Assert.Empty(Names(layer));

    [Theory]
    [InlineData("Reformatting CopyNode for Input Tensor 0 to Conv_0 + Relu_1", true)]
    [InlineData("Reformatting CopyNode for Output Tensor 0 to /layer1/layer1.0/relu/Relu", true)]
    [InlineData("Conv_0 input reformatter 0", true)]
    [InlineData("Conv_0 + Relu_1", false)]
    [InlineData("/model/reformat/Conv", false)]
    public void ReformattingLayersAreRecognised(string layer, bool reformat) =>
        Assert.Equal(reformat, LayerNames.IsReformat(layer));
}
