using OnnxCoDesign.Compiler.Reports;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Golden;

/// <summary>
/// analyze's outputs and the typed graph printout against tests/golden/&lt;case&gt;/. A change in any
/// number, shape or name shows up here as a diff to review.
/// </summary>
public sealed class AnalyzeGoldenTests
{
    public static TheoryData<string> SampleCases => new() { "repvgg-a0", "repvgg-a0-folded", "resnet50", "inception", "detector", "repvgg-grouped" };

    [Theory]
    [MemberData(nameof(SampleCases))]
    public void AnalyzeJsonMatchesGolden(string sample)
    {
        var run = CliRun.Of("analyze", "--sample", sample, "--json", "-");
        Assert.Equal(0, run.ExitCode);
        GoldenFile.Check(sample, "analyze.json", run.Out);
    }

    [Theory]
    [InlineData("inception")]
    [InlineData("detector")]
    [InlineData("repvgg-grouped")]
    public void TypedGraphPrintoutMatchesGolden(string sample)
    {
        var analysis = Analysis.Of(SampleModels.ByName(sample));
        GoldenFile.Check(sample, "graph.txt", GraphPrinter.Print(analysis.Graph, analysis.Shapes));
    }

    [Fact]
    public void AnalyzeTableMatchesGolden()
    {
        var run = CliRun.Of("analyze", "--sample", "repvgg-a0");
        Assert.Equal(0, run.ExitCode);
        GoldenFile.Check("repvgg-a0", "analyze.txt", run.Out);
    }

    [Fact]
    public void UnknownOperatorAndDefaultedDimensionMatchGolden()
    {
        // A symbolic batch left unbound and a custom-domain operator whose output shape value_info declares.
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, "batch", 3, 16, 16).Initializer("w", new float[8 * 3 * 9], 8, 3, 3, 3);
        var c = b.Node("Conv", ["x", "w"], NodeAttributes.Ints("pads", 1, 1, 1, 1));
        b.NamedNode("custom_norm", "FancyNorm", [c], ["n"]);
        b.Output(b.Node("Relu", ["n"]));
        var model = b.Build();
        model.Graph.Node[1].Domain = "com.example";
        model.OpsetImport.Add(new Onnx.OperatorSetIdProto { Domain = "com.example", Version = 1 });
        model.Graph.ValueInfo.Add(OnnxCoDesign.Samples.TensorFactory.ValueInfo("n", ElementType.Float, ["batch", 8L, 16L, 16L]));
        var analysis = Analysis.Of(model);
        GoldenFile.Check("unknown-op", "analyze.json", AnalyzeJson.Write(analysis with { DisplayName = "unknown-op" }));
        GoldenFile.Check("unknown-op", "graph.txt", GraphPrinter.Print(analysis.Graph, analysis.Shapes));
    }
}
