using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cli;

/// <summary>
/// The fuzzing campaign's arithmetic reproducers through the CLI: sizes past int64 or past what a device could
/// hold are one coded line and exit 1, with nothing written and nothing allocated; sizes just inside still run.
/// </summary>
public sealed class ArithmeticRefusalTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>x[batch, 3, 224, 224] → Conv 3×3 (4 channels) → Relu.</summary>
    private static ModelProto SymbolicBatchConv(long[]? pads = null)
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, "batch", 3L, 224L, 224L)
            .Initializer("w", new WeightGenerator(1).ConvWeight(4, 3, 3, 3), 4, 3, 3, 3);
        var c = b.Node("Conv", ["x", "w"], NodeAttributes.Ints("pads", pads ?? [1, 1, 1, 1]));
        b.Output(b.Node("Relu", [c]));
        return b.Build();
    }

    private string Save(ModelProto model, string name = "m.onnx")
    {
        var path = _dir.File(name);
        BadModels.Write(model, path);
        return path;
    }

    private void AssertRefused(CliRun run, string file, string code, params string[] written)
    {
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"{file}: error {code}: ", line);
        Assert.DoesNotContain("Exception", run.Error);
        foreach (var w in written) Assert.False(Path.Exists(w), $"{w} was written");
    }

    [Fact]
    public void AnalyzeAtABatchOf2To40IsPastTheTensorBound()
    {
        var model = Save(SymbolicBatchConv());
        var json = _dir.File("a.json");
        AssertRefused(CliRun.Of("analyze", model, "--shape", "batch=1099511627776", "--json", json), model, "OCD1308", json);
        var legal = CliRun.Of("analyze", model, "--shape", "batch=64", "--json", json);
        Assert.Equal(0, legal.ExitCode);
        Assert.True(File.Exists(json));
    }

    [Fact]
    public void AnInputDimensionOf2To62IsRefusedByAnalyzeAndCompile()
    {
        var m = SymbolicBatchConv();
        m.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = 1L << 62 };
        var model = Save(m);
        AssertRefused(CliRun.Of("analyze", model, "--json", _dir.File("a.json")), model, "OCD1308", _dir.File("a.json"));
        AssertRefused(CliRun.Of("compile", model, "-o", _dir.File("out")), model, "OCD1308", _dir.File("out"));
    }

    [Fact]
    public void ConvPadsOfInt64MinAreRefusedByAnalyzeAndCompile()
    {
        var model = Save(SymbolicBatchConv([long.MinValue, 0, long.MinValue, 0]));
        AssertRefused(CliRun.Of("analyze", model, "--json", _dir.File("a.json")), model, "OCD1302", _dir.File("a.json"));
        AssertRefused(CliRun.Of("compile", model, "-o", _dir.File("out")), model, "OCD1302", _dir.File("out"));
    }

    [Fact]
    public void VerifyRefusesAnInputPastWhatTheHostCanGenerateBeforeAllocatingIt()
    {
        // batch 2^20 makes x 631 GB and the conv's output 842 GB: under the 1 TiB shape bound, far past what verify generates.
        var model = Save(SymbolicBatchConv());
        var json = _dir.File("v.json");
        var allocated = GC.GetTotalAllocatedBytes();
        var run = CliRun.Of("verify", model, model, "--shape", "batch=1048576", "--json", json);
        Assert.True(GC.GetTotalAllocatedBytes() - allocated < 1L << 30, "verify allocated a gigabyte or more before refusing");
        AssertRefused(run, "codesign-compile", "OCD1309", json);
        Assert.Contains("input 'x'", run.Error);
        var legal = CliRun.Of("verify", model, model, "--shape", "batch=2", "--inputs", "1");
        Assert.True(legal.ExitCode == 0, legal.Error);
        Assert.EndsWith("PASS\n", legal.Out);
    }

    [Fact]
    public void ResNet50AtBatch64CostsExactly64TimesBatch1()
    {
        var model = SampleModels.ResNet50(batchSymbol: "batch");
        var one = Analysis.Of(model, new ShapeBindings().Add("batch", 1)).Cost;
        var many = Analysis.Of(model, new ShapeBindings().Add("batch", 64)).Cost;
        Assert.True(one.Flops > 4_000_000_000, $"ResNet-50 should be about 8 GFLOPs, was {one.Flops}");
        Assert.Equal(64 * one.Flops, many.Flops);
        Assert.Equal(64 * one.ActivationBytes, many.ActivationBytes);
        Assert.Equal(one.WeightBytes, many.WeightBytes);
    }
}
