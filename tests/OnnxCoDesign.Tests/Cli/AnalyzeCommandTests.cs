using System.Text.Json;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cli;

/// <summary>analyze's outputs: the terminal table, JSON and CSV, bindings and warnings.</summary>
public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void JsonHasTheDocumentedFieldsAndNodesAddUpToTotals()
    {
        var run = CliRun.Of("analyze", "--sample", "repvgg-a0", "--json", "-");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        foreach (var key in new[] { "flops", "bytes", "intensity", "paperIntensity", "weightBytes", "activationBytes", "unknownOps", "nodes" })
        {
            Assert.True(root.TryGetProperty(key, out _), $"missing '{key}'");
        }
        var nodes = root.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(root.GetProperty("flops").GetInt64(), nodes.Sum(n => n.GetProperty("flops").GetInt64()));
        Assert.Equal(root.GetProperty("bytes").GetInt64(), nodes.Sum(n => n.GetProperty("bytes").GetInt64()));
        foreach (var n in nodes)
        {
            foreach (var key in new[] { "name", "op", "outputs", "shapes", "flops", "bytes", "intensity" }) Assert.True(n.TryGetProperty(key, out _), key);
        }
        Assert.Equal("[1,1000]", root.GetProperty("outputs")[0].GetProperty("shape").GetString());
        Assert.Empty(root.GetProperty("unknownOps").EnumerateArray());
    }

    [Fact]
    public void CsvHasOneRowPerNodeAndTableIsPrinted()
    {
        var csv = _dir.File("nodes.csv");
        var run = CliRun.Of("analyze", "--sample", "inception", "--csv", csv);
        Assert.Equal(0, run.ExitCode);
        var lines = File.ReadAllLines(csv);
        var nodes = Analysis.Of(SampleModels.Inception()).Graph.Nodes.Count;
        Assert.Equal(nodes + 1, lines.Length);
        Assert.StartsWith("name,op,outputs,shapes,flops", lines[0]);
        Assert.Contains("paperIntensity", run.Out);
        Assert.Contains("Concat", run.Out);
    }

    [Fact]
    public void AnalyzesAModelFileAndWritesJsonAtomically()
    {
        var model = _dir.File("net.onnx");
        Assert.Equal(0, CliRun.Of("sample", "detector", "-o", model).ExitCode);
        var json = _dir.File("net.json");
        var run = CliRun.Of("analyze", model, "--json", json);
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("net.onnx", doc.RootElement.GetProperty("model").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("outputs").GetArrayLength());
        Assert.Equal(["net.json", "net.onnx"], _dir.Files());
    }

    [Fact]
    public void SymbolicBatchDefaultsToOneWithAWarningOrBindsFromShape()
    {
        var model = _dir.File("sym.onnx");
        BadModels.Write(SampleModels.ResNet50(batchSymbol: "batch"), model);

        var unbound = CliRun.Of("analyze", model, "--json", "-");
        Assert.Equal(0, unbound.ExitCode);
        Assert.Contains("warning OCW2001", unbound.Error);
        using var one = JsonDocument.Parse(unbound.Out);
        Assert.Equal("[1,1000]", one.RootElement.GetProperty("outputs")[0].GetProperty("shape").GetString());

        var bound = CliRun.Of("analyze", model, "--shape", "input=4x3x224x224", "--json", "-");
        Assert.Equal(0, bound.ExitCode);
        Assert.DoesNotContain("OCW2001", bound.Error);
        using var four = JsonDocument.Parse(bound.Out);
        Assert.Equal("[4,1000]", four.RootElement.GetProperty("outputs")[0].GetProperty("shape").GetString());
        Assert.Equal(4 * one.RootElement.GetProperty("macs").GetInt64(), four.RootElement.GetProperty("macs").GetInt64());

        var bySymbol = CliRun.Of("analyze", model, "--shape", "batch=4", "--json", "-");
        using var symbol = JsonDocument.Parse(bySymbol.Out);
        Assert.Equal(four.RootElement.GetProperty("flops").GetInt64(), symbol.RootElement.GetProperty("flops").GetInt64());
    }

    [Fact]
    public void UnknownOperatorIsNamedAndItsCostIsNull()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 4);
        var r = b.Node("Relu", ["x"]);
        b.NamedNode("custom_head", "FancyOp", [r], ["y"]);
        b.Output("y", ElementType.Float, 1, 4);
        var model = _dir.File("custom.onnx");
        BadModels.Write(b.Build(), model);

        var run = CliRun.Of("analyze", model, "--json", "-");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("warning OCW2002", run.Error);
        using var doc = JsonDocument.Parse(run.Out);
        var unknown = Assert.Single(doc.RootElement.GetProperty("unknownOps").EnumerateArray());
        Assert.Equal("custom_head", unknown.GetProperty("name").GetString());
        Assert.Equal("FancyOp", unknown.GetProperty("op").GetString());
        var node = doc.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "custom_head");
        Assert.Equal(JsonValueKind.Null, node.GetProperty("flops").ValueKind);
        Assert.False(doc.RootElement.GetProperty("costComplete").GetBoolean());
    }

    [Fact]
    public void SampleListsEveryBuiltInModel()
    {
        var run = CliRun.Of("sample");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(SampleModels.Names, run.Out.TrimEnd('\n').Split('\n'));
    }
}
