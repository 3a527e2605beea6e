using System.Text.Json;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cli;

/// <summary>fuse through the CLI: the model it writes, its report, verification and refusals.</summary>
public sealed class FuseCommandTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WritesAFusedModelThatMatchesTheOriginalAndTheDeployForm()
    {
        var source = _dir.File("grouped.onnx");
        BadModels.Write(SampleModels.RepVggGrouped(), source);
        var fused = _dir.File("fused.onnx");

        var run = CliRun.Of("fuse", source, "-o", fused, "--verify", "--inputs", "2");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("PASS", run.Out);
        using var written = ModelLoader.Load(fused);
        Assert.DoesNotContain(written.Model.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(Analysis.Of(SampleModels.RepVggGroupedDeploy()).Cost.Flops, Analysis.Of(written.Model).Cost.Flops);
        Assert.True(OrtCompare.RelativeError(SampleModels.RepVggGrouped(), ModelLoaderCopy(written)) < 1e-5);
    }

    [Fact]
    public void JsonReportListsBlocksStrategiesAndCosts()
    {
        var run = CliRun.Of("fuse", "--sample", "repvgg-a0", "-o", _dir.File("a0.onnx"), "--strategy", "S4", "--blocks", "0-3=S2", "--blocks", "5=S1", "--json", "-");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var blocks = doc.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(22, blocks.Count);
        Assert.Equal(["S2", "S2", "S2", "S2", "S4", "S1", "S4"], blocks.Take(7).Select(b => b.GetProperty("strategy").GetString()));
        Assert.True(doc.RootElement.GetProperty("after").GetProperty("flops").GetInt64() < doc.RootElement.GetProperty("before").GetProperty("flops").GetInt64());
        Assert.Equal("a0.onnx", doc.RootElement.GetProperty("written").GetString());
    }

    [Theory]
    [InlineData("--strategy", "S5")]
    [InlineData("--blocks", "3=S9")]
    [InlineData("--blocks", "a-b=S1")]
    [InlineData("--blocks", "5-2=S1")]
    public void RefusesAStrategyThatDoesNotParseAndWritesNothing(string option, string value)
    {
        var run = CliRun.Of("fuse", "--sample", "repvgg-grouped", "-o", _dir.File("x.onnx"), option, value);
        Assert.Equal(2, run.ExitCode); // OCD1401 is a usage error wherever it is detected
        Assert.Contains("error OCD1401", run.Error);
        Assert.Empty(_dir.Files());
    }

    [Fact]
    public void NeedsAnOutputPath()
    {
        var run = CliRun.Of("fuse", "--sample", "repvgg-grouped");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("-o", run.Error);
    }

    [Fact]
    public void AModelWithoutBlocksIsWrittenUnchangedInFunction()
    {
        var source = _dir.File("inception.onnx");
        BadModels.Write(SampleModels.Inception(), source);
        var run = CliRun.Of("fuse", source, "-o", _dir.File("out.onnx"), "--json", "-");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Empty(doc.RootElement.GetProperty("blocks").EnumerateArray());
        Assert.Equal(doc.RootElement.GetProperty("before").GetProperty("flops").GetInt64(), doc.RootElement.GetProperty("after").GetProperty("flops").GetInt64());
    }

    private static Onnx.ModelProto ModelLoaderCopy(LoadedModel loaded) =>
        Onnx.ModelProto.Parser.ParseFrom(ModelBytes.ToArray(loaded.Model, loaded.ExternalData));
}
