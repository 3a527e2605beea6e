using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Loading.Checking.CheckedModels;

namespace OnnxCoDesign.Tests.Loading.Checking;

/// <summary>Conv and BatchNormalization parameters are 1-D, one value per channel; Gemm's C broadcasts to Y.</summary>
public sealed class ParameterShapeRuleTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void Reshape(TensorProto tensor, params long[] dims)
    {
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims);
    }

    private static void Resize(TensorProto tensor, params long[] dims)
    {
        var count = (int)dims.Aggregate(1L, (a, b) => a * b);
        var replacement = TinyModels.FloatTensor(tensor.Name, TinyModels.Wave(count, 0.5f), dims);
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims);
        tensor.RawData = replacement.RawData;
    }

    [Theory]
    [InlineData(new long[0])]
    [InlineData(new long[] { 4, 1 })]
    [InlineData(new long[] { 1, 4 })]
    [InlineData(new long[] { 3 })]
    public void RefusesConvBiasThatIsNotOneValuePerOutputChannel(long[] dims)
    {
        var model = CheckedModels.ConvBn();
        Resize(Initializer(model, "Bc"), dims);
        var e = Refusal.ExpectLoad(ErrorCodes.ParameterShape, Write(_dir, model));
        Assert.Contains("node 'conv' (Conv): bias 'Bc'", e.Message);
        Assert.Contains("must be 1-D of length 4", e.Message);
        AssertOrtFails(model);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AcceptsConvWithOrWithoutBias(bool bias)
    {
        var model = CheckedModels.ConvBn(convBias: bias);
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtRuns(model);
    }

    [Theory]
    [InlineData("scale")]
    [InlineData("beta")]
    [InlineData("mean")]
    [InlineData("var")]
    public void RefusesBatchNormParameterOfRankTwo(string name)
    {
        var model = CheckedModels.ConvBn();
        Reshape(Initializer(model, name), 4, 1);
        var e = Refusal.ExpectLoad(ErrorCodes.ParameterShape, Write(_dir, model));
        Assert.Contains($"'{name}' has shape [4,1]; it must be 1-D", e.Message);
        AssertOrtFails(model);
    }

    [Fact]
    public void RefusesBatchNormParametersOfDifferentLengths()
    {
        var model = CheckedModels.ConvBn();
        Resize(Initializer(model, "var"), 3);
        var e = Refusal.ExpectLoad(ErrorCodes.ParameterShape, Write(_dir, model));
        Assert.Contains("var 'var' has 3 values but scale 'scale' has 4", e.Message);
        AssertOrtFails(model);
    }

    [Fact]
    public void RefusesBatchNormParametersThatDisagreeWithTheDeclaredInput()
    {
        var graph = new GraphProto { Name = "bn" };
        graph.Input.Add(TinyModels.Value("X", 1, 3, 4, 4));
        foreach (var p in new[] { "scale", "beta", "mean", "var" }) graph.Initializer.Add(TinyModels.FloatTensor(p, [1f, 1f, 1f, 1f], 4));
        graph.Node.Add(TinyModels.Node("BatchNormalization", "bn", ["X", "scale", "beta", "mean", "var"], ["Y"]));
        graph.Output.Add(TinyModels.Value("Y", 1, 3, 4, 4));
        var model = TinyModels.Model(graph);
        var e = Refusal.ExpectLoad(ErrorCodes.ParameterShape, Write(_dir, model));
        Assert.Contains("X 'X' has 3 channels", e.Message);
        AssertOrtFails(model);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(14)]
    [InlineData(15)]
    public void AcceptsBatchNormAcrossItsVersions(int opset)
    {
        var model = CheckedModels.ConvBn(opset);
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtRuns(model);
    }

    [Theory]
    [InlineData(new long[] { 2, 6 })]
    [InlineData(new long[] { 3, 5 })]
    [InlineData(new long[] { 4 })]
    [InlineData(new long[] { 1, 2, 5 })]
    public void RefusesGemmCThatDoesNotBroadcastToY(long[] dims)
    {
        var model = CheckedModels.Gemm(dims);
        var e = Refusal.ExpectLoad(ErrorCodes.ParameterShape, Write(_dir, model));
        Assert.Contains("does not broadcast to Y [2,5]", e.Message);
        AssertOrtFails(model);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(new long[0])]
    [InlineData(new long[] { 5 })]
    [InlineData(new long[] { 1, 5 })]
    [InlineData(new long[] { 2, 1 })]
    [InlineData(new long[] { 2, 5 })]
    public void AcceptsGemmCThatBroadcasts(long[]? dims)
    {
        var model = CheckedModels.Gemm(dims);
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtRuns(model);
    }
}
