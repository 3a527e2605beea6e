using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Loading.Checking.CheckedModels;

namespace OnnxCoDesign.Tests.Loading.Checking;

/// <summary>
/// ir_version up to ONNX Runtime's newest (13); opset_import: the default domain from 7 to the newest this tool knows
/// (23), each domain once, the default domain imported when used.
/// </summary>
public sealed class OpsetRuleTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(1L << 40)]
    public void RefusesOpsetOutsideWhatOnnxDefines(long opset)
    {
        var model = TinyModels.ConvRelu();
        model.OpsetImport[0].Version = opset;
        var e = Refusal.ExpectLoad(ErrorCodes.OpsetUnsupported, Write(_dir, model));
        Assert.Contains($"opset {opset} of the default domain", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesOpsetNewerThanTheToolKnows()
    {
        // ONNX Runtime knows later opsets; the tool's operator rules stop at 23, so it says so rather than guess.
        var model = TinyModels.ConvRelu();
        model.OpsetImport[0].Version = 24;
        var e = Refusal.ExpectLoad(ErrorCodes.OpsetUnsupported, Write(_dir, model));
        Assert.Contains("this tool knows opsets 7 to 23", e.Message);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(6L)]
    public void RefusesOpsetOlderThanSeven(long opset)
    {
        var model = Elementwise("Add", 2);
        model.OpsetImport[0].Version = opset;
        var e = Refusal.ExpectLoad(ErrorCodes.OpsetUnsupported, Write(_dir, model));
        Assert.Contains($"opset {opset} of the default domain; this tool knows opsets 7 to 23", e.Message);
        AssertOrtFails(model);
    }

    [Fact]
    public void AcceptsOpsetSeven()
    {
        var model = Elementwise("Add", 2);
        model.OpsetImport[0].Version = 7;
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtRuns(model);
    }

    [Theory]
    [InlineData(14L)]
    [InlineData(1L << 40)]
    public void RefusesIrVersionNewerThanOnnxRuntimeReads(long ir)
    {
        var model = TinyModels.ConvRelu();
        model.IrVersion = ir;
        var e = Refusal.ExpectLoad(ErrorCodes.OpsetUnsupported, Write(_dir, model));
        Assert.Contains($"IR version is {ir}; ONNX Runtime and this tool read IR versions up to 13", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsIrVersion13()
    {
        var model = TinyModels.ConvRelu();
        model.IrVersion = 13;
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtAccepts(model);
    }

    [Theory]
    [InlineData("ai.onnx", 13L, "the default domain twice (opsets 13 and 13)")]
    [InlineData("", 11L, "the default domain twice (opsets 13 and 11)")]
    [InlineData("com.example", 1L, "domain 'com.example' twice")]
    public void RefusesADomainImportedTwice(string domain, long version, string message)
    {
        // ONNX Runtime picks one of the two silently; which opset the nodes mean is then a guess.
        var model = TinyModels.ConvRelu();
        if (domain == "com.example") model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = 2 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        var e = Refusal.ExpectLoad(ErrorCodes.OpsetUnsupported, Write(_dir, model));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void RefusesNonPositiveVersionOfAnotherDomain()
    {
        var model = TinyModels.ConvRelu();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 0 });
        var e = Refusal.ExpectLoad(ErrorCodes.OpsetUnsupported, Write(_dir, model));
        Assert.Contains("domain 'com.example'", e.Message);
    }

    [Fact]
    public void RefusesDefaultDomainNodesWithoutItsImport()
    {
        var model = TinyModels.ConvRelu();
        model.OpsetImport[0].Domain = "com.example";
        var e = Refusal.ExpectLoad(ErrorCodes.OpsetUnsupported, Write(_dir, model));
        Assert.Contains("node 'conv'", e.Message);
        // ONNX Runtime then assumes its newest opset and onnx.checker refuses; the tool would read opset 1.
    }

    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    [InlineData(21)]
    [InlineData(23)]
    public void AcceptsSamplesAcrossTheSupportedOpsets(int opset)
    {
        var model = SampleModels.RepVggGrouped(opset: opset);
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtAccepts(model);
    }

    [Fact]
    public void AcceptsAnOpset8ExportWithInitializersListedAsInputs()
    {
        var model = SampleModels.RepVggGrouped(opset: 8);
        Assert.Contains(model.Graph.Input, i => i.Name == model.Graph.Initializer[0].Name);
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtAccepts(model);
    }
}
