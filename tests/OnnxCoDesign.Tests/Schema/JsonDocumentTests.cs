using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Schema;

/// <summary>Every JSON document the tool writes starts with "schemaVersion" (CodesignJson.SchemaVersion) and has a "warnings" array of coded warnings.</summary>
public sealed class JsonDocumentTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertVersionedWithWarnings(string json, bool warningsLast = true)
    {
        using var doc = JsonDocument.Parse(json);
        var properties = doc.RootElement.EnumerateObject().ToList();
        Assert.Equal("schemaVersion", properties[0].Name);
        Assert.Equal(CodesignJson.SchemaVersion, properties[0].Value.GetInt32());
        var warnings = Assert.Single(properties, p => p.Name == "warnings").Value;
        Assert.Equal(JsonValueKind.Array, warnings.ValueKind);
        foreach (var w in warnings.EnumerateArray())
        {
            Assert.StartsWith("OCW", w.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(w.GetProperty("message").GetString()));
        }
        if (warningsLast) Assert.Equal("warnings", properties[^1].Name);
    }

    private string Compile(params string[] args)
    {
        var output = _dir.File("out");
        Assert.Equal(0, CliRun.Of(["compile", "--sample", "repvgg-grouped", .. args, "-o", output]).ExitCode);
        return output;
    }

    [Fact]
    public void PlanJson() => AssertVersionedWithWarnings(File.ReadAllText(Path.Combine(Compile(), "plan.json")));

    [Fact]
    public void AnalyzeKeepsItsWarningsWhereTheyWere()
    {
        // Before schema version 1 analyze already listed its warnings (before operators and nodes); they stay there.
        var run = JsonCli.Run("analyze", "--sample", "repvgg-grouped");
        Assert.Equal(0, run.ExitCode);
        AssertVersionedWithWarnings(run.Out, warningsLast: false);
    }

    [Fact]
    public void VerifyKeepsItsWarningsWhereTheyWere()
    {
        var model = _dir.File("m.onnx");
        Assert.Equal(0, CliRun.Of("sample", "repvgg-grouped", "-o", model).ExitCode);
        var run = JsonCli.Run("verify", model, model, "--inputs", "1");
        Assert.Equal(0, run.ExitCode);
        AssertVersionedWithWarnings(run.Out, warningsLast: false);
    }

    [Fact]
    public void FuseWithItsVerificationNestedWithoutAVersion()
    {
        var run = JsonCli.Run("fuse", "--sample", "repvgg-grouped", "-o", _dir.File("fused.onnx"), "--verify", "--inputs", "1");
        Assert.Equal(0, run.ExitCode);
        AssertVersionedWithWarnings(run.Out);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.False(doc.RootElement.GetProperty("verify").TryGetProperty("schemaVersion", out _));
    }

    [Fact]
    public void Simulate()
    {
        var run = JsonCli.Run("simulate", Path.Combine(Compile(), "plan.json"), "--rates", "10", "--requests", "20");
        Assert.Equal(0, run.ExitCode);
        AssertVersionedWithWarnings(run.Out);
    }

    [Fact]
    public void MeasureJsonOfACompiledPlan()
    {
        var output = Compile("--measure", "--host", "jetson-nano");
        AssertVersionedWithWarnings(File.ReadAllText(Path.Combine(output, "measure.json")));
    }

    [Fact]
    public void DevicesCatalogAndOneProfile()
    {
        var catalog = JsonCli.Run("devices");
        Assert.Equal(0, catalog.ExitCode);
        AssertVersionedWithWarnings(catalog.Out);
        var one = JsonCli.Run("devices", "jetson-nano");
        Assert.Equal(0, one.ExitCode);
        AssertVersionedWithWarnings(one.Out);
    }

    [Fact]
    public void SampleListAndSampleWritten()
    {
        var list = JsonCli.Run("sample");
        Assert.Equal(0, list.ExitCode);
        AssertVersionedWithWarnings(list.Out);
        var written = JsonCli.Run("sample", "repvgg-grouped", "-o", _dir.File("s.onnx"));
        Assert.Equal(0, written.ExitCode);
        AssertVersionedWithWarnings(written.Out);
    }

    [Fact]
    public void AProfileFileWithItsVersionAndWarningsReadsBackAsTheSameDevice()
    {
        var text = JsonCli.Run("devices", "jetson-xavier-nx").Out;
        var back = DeviceProfileJson.ParseText(text, "x.json");
        Assert.Equal(DeviceCatalog.Find("jetson-xavier-nx")! with { Sources = back.Sources, OperatorEfficiency = back.OperatorEfficiency }, back);
        Assert.Equal(text, DeviceProfileJson.WriteText(back));
    }

    [Fact]
    public void AVersion1ProfileFileIsStillRead()
    {
        var text = JsonCli.Run("devices", "jetson-nano").Out;
        var old = text.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 1");
        Assert.NotEqual(text, old);
        Assert.Equal(text, DeviceProfileJson.WriteText(DeviceProfileJson.ParseText(old, "x.json")));
    }

    [Theory]
    [InlineData("\"schemaVersion\": 3")]
    [InlineData("\"schemaVersion\": 0")]
    [InlineData("\"schemaVersion\": \"1\"")]
    public void AProfileFileOfAnotherSchemaVersionIsRefused(string version)
    {
        var text = JsonCli.Run("devices", "jetson-nano").Out.Replace("\"schemaVersion\": 2", version);
        var e = Assert.Throws<CodesignException>(() => DeviceProfileJson.ParseText(text, "x.json"));
        Assert.Equal(ErrorCodes.DeviceProfileMalformed, e.Code);
    }
}
