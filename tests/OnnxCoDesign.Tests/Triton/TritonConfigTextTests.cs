using Onnx;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Emit.Triton;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Triton;

/// <summary>
/// The config writer on its own: names with quotes, backslashes, line breaks and non-ASCII text read back exactly; a
/// tensor type Triton has no DataType for is a coded error naming the part and the tensor; a relay device gets no
/// repository, and DEPLOY.md sends across it to the next device that serves a model.
/// </summary>
public sealed class TritonConfigTextTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ModelProto Identity(string input, int elemType)
    {
        ValueInfoProto Value(string name) => new()
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 1 }, new TensorShapeProto.Types.Dimension { DimParam = "n" } } } } },
        };
        var graph = new GraphProto { Name = "g", Input = { Value(input) }, Output = { Value("y") } };
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { input }, Output = { "y" } });
        return new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 13 } } };
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("quote\"d")]
    [InlineData("back\\slash")]
    [InlineData("line\nbreak")]
    [InlineData("grüße/输入:0")]
    public void TensorNamesReadBackExactly(string name)
    {
        var config = TritonConfig.For("part0", Identity(name, 1), DeviceCatalog.Resolve("rtx-4090"));
        var text = TritonConfigText.Write(config, "rtx-4090");
        var read = TextProto.Parse(text);
        var input = read.Messages("input").Single();
        Assert.Equal(name, input.Scalar("name"));
        Assert.Equal("TYPE_FP32", input.Scalar("data_type"));
        Assert.Equal([1L, -1L], input.Longs("dims"));
        Assert.DoesNotContain("\r", text);
    }

    [Fact]
    public void ATypeTritonHasNoDataTypeForIsACodedErrorNamingThePartAndTensor()
    {
        var complex = Assert.Throws<CodesignException>(() => TritonConfig.For("part3", Identity("x", 14), DeviceCatalog.Resolve("rtx-4090")));
        Assert.Equal(ErrorCodes.TritonTypeUnsupported, complex.Code);
        Assert.Contains("part3", complex.Message);
        Assert.Contains("'x'", complex.Message);
        // Paired: the same model in float16 is written.
        Assert.Equal("TYPE_FP16", TritonConfig.For("part3", Identity("x", 10), DeviceCatalog.Resolve("rtx-4090")).Inputs.Single().DataType);
    }

    [Fact]
    public void ARelayDeviceServesNothingAndTheRequestGoesToTheNextModel()
    {
        var output = TritonFiles.Compile(_dir, "out", "--sample", "repvgg-grouped", "--devices", "jetson-nano,raspberry-pi-5,rtx-4090");
        var parts = TritonFiles.Parts(output);
        Assert.Equal(["jetson-nano", "rtx-4090"], parts.Select(p => p.Device)); // the planner leaves the pi a relay here
        Assert.Equal(["jetson-nano", "rtx-4090"], Directory.GetDirectories(Path.Combine(output, "triton")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var deploy = File.ReadAllText(Path.Combine(output, "DEPLOY.md"));
        var relay = deploy[deploy.IndexOf("## 2. raspberry-pi-5", StringComparison.Ordinal)..deploy.IndexOf("## 3.", StringComparison.Ordinal)];
        Assert.Contains("Runs no part", relay);
        Assert.DoesNotContain("tritonserver", relay);
        var first = deploy[..deploy.IndexOf("## 2.", StringComparison.Ordinal)];
        Assert.Contains($"`POST http://rtx-4090:8000/v2/models/{parts[1].Model}/infer`", first);
        foreach (var t in parts[1].Config.Messages("input")) Assert.Contains($"`{t.Scalar("name")}`", first);
    }
}
