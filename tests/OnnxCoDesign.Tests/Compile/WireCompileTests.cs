using System.Text.Json;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>
/// Wire formats through compile: the chosen format's bytes on the link, the conversions inside the written parts
/// (sender's output and receiver's input typed as the wire), --verify's two checks, verify --plan's default tolerance,
/// --wire refusals, and the planning model's bytes per format.
/// </summary>
public sealed class WireCompileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int ElemType(Onnx.ModelProto model, string name, bool input) =>
        (input ? model.Graph.Input : model.Graph.Output).Single(v => v.Name == name).Type.TensorType.ElemType;

    [Fact]
    public void AnFp16WireHalvesTheCutTensorAndThePartsConvertAtBothEnds()
    {
        var output = _dir.File("fp16");
        // The seed's setup at throughput: the fp32 tensor keeps everything on the Nano, the fp16 one makes the cut pay.
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", output, "--objective", "throughput", "--wire", "fp16", "--verify");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("with the wire's conversions (link 0 fp16)", run.Out);
        // The first check is the exact form; with no int8 part, it says only that the links are fp32 there.
        Assert.Contains("chained parts (every link fp32)", run.Out);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var root = plan.RootElement;
        Assert.Equal("fp16", root.GetProperty("wire").GetString());
        var transfer = root.GetProperty("transfers")[0];
        Assert.Equal("fp16", transfer.GetProperty("wire").GetString());
        var sent = transfer.GetProperty("tensors").EnumerateArray().Single();
        var name = sent.GetProperty("name").GetString()!;
        Assert.EndsWith("__fp16", name);
        Assert.Equal("float16", sent.GetProperty("type").GetString());
        var elements = sent.GetProperty("shape").EnumerateArray().Aggregate(1L, (a, d) => a * d.GetInt64());
        Assert.Equal(elements * 2, transfer.GetProperty("bytes").GetInt64());
        Assert.Equal(elements * 2 * 8 / 100e6 * 1e3, transfer.GetProperty("serializationMs").GetDouble(), 3);
        Assert.Equal("fp16", root.GetProperty("totals").GetProperty("wires").GetString());

        // The report's baseline table names each plan's format: the chosen one fp16, the seed's baselines fp32.
        var report = File.ReadAllText(Path.Combine(output, "report.html"));
        var table = report[report.IndexOf("id=\"baselines-table\"", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];
        var rows = table.Split("<tr").Skip(2).ToList();
        Assert.Contains("<td>fp16</td>", rows.Single(r => r.Contains("class=\"chosen\"")));
        Assert.All(rows.Where(r => r.Contains(">all on ")), r => Assert.Contains("<td>fp32</td>", r));

        var part0 = ModelLoader.Load(Path.Combine(output, "part0.onnx")).Model;
        var part1 = ModelLoader.Load(Path.Combine(output, "part1.onnx")).Model;
        Assert.Equal(ElementType.Float16, ElemType(part0, name, input: false));
        Assert.Equal(ElementType.Float16, ElemType(part1, name, input: true));
        var original = name[..^"__fp16".Length];
        Assert.Contains(part0.Graph.Node, n => n.OpType == "Cast" && n.Input[0] == original && n.Output[0] == name);
        Assert.Contains(part1.Graph.Node, n => n.OpType == "Cast" && n.Input[0] == name && n.Output[0] == original);

        // verify --plan holds the fp16 chain to the format's tolerance by default, and to 1e-4 only when asked (which it misses).
        var verify = CliRun.Of("verify", "--sample", "repvgg-a0", "--plan", Path.Combine(output, "plan.json"));
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        Assert.Contains("1.000e-02", verify.Out);
        var strict = CliRun.Of("verify", "--sample", "repvgg-a0", "--plan", Path.Combine(output, "plan.json"), "--tolerance", "1e-7");
        Assert.Equal(3, strict.ExitCode);
    }

    [Fact]
    public void AutoChoosesFp16OnTheSeedsSetupAndFp32KeepsEverythingOnTheNano()
    {
        var auto = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("auto"), "--objective", "throughput", "--json", "-");
        var fp32 = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("fp32"), "--objective", "throughput", "--wire", "fp32", "--json", "-");
        Assert.True(auto.ExitCode == 0 && fp32.ExitCode == 0, auto.Error + fp32.Error);
        using var a = JsonDocument.Parse(auto.Out);
        using var f = JsonDocument.Parse(fp32.Out);
        var (ta, tf) = (a.RootElement.GetProperty("totals"), f.RootElement.GetProperty("totals"));
        Assert.Equal("fp16", ta.GetProperty("wires").GetString());
        Assert.Equal("fp32", tf.GetProperty("wires").GetString());
        // A Nano has no int8 path: auto never offers it there, whatever the data.
        Assert.True(ta.GetProperty("throughputFps").GetDouble() > tf.GetProperty("throughputFps").GetDouble() * 1.5);
        Assert.All(a.RootElement.GetProperty("pareto").EnumerateArray(), p => Assert.DoesNotContain("int8", p.GetProperty("wires").GetString()));
    }

    [Fact]
    public void AnInt8WireQuantizesWithACalibratedScaleAndPassesItsTolerance()
    {
        var output = _dir.File("int8");
        var calibration = CalibrationFiles.ForSample(_dir, "repvgg-a0", count: 4);
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", output, "--devices", "jetson-xavier-nx,rtx-4090", "--wire", "int8",
            "--calibration", calibration, "--verify");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("tolerance: 1.000e-01", run.Out);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var transfer = plan.RootElement.GetProperty("transfers")[0];
        Assert.Equal("int8", transfer.GetProperty("wire").GetString());
        var sent = transfer.GetProperty("tensors").EnumerateArray().Single();
        Assert.Equal("int8", sent.GetProperty("type").GetString());
        var part0 = ModelLoader.Load(Path.Combine(output, "part0.onnx")).Model;
        var q = part0.Graph.Node.Single(n => n.OpType == "QuantizeLinear" && n.Output[0] == sent.GetProperty("name").GetString());
        var scale = part0.Graph.Initializer.Single(t => t.Name == q.Input[1]);
        var zero = part0.Graph.Initializer.Single(t => t.Name == q.Input[2]);
        Assert.Equal(ElementType.Int8, zero.DataType);
        Assert.True(TensorValues.AsFloat(scale, null)[0] > 0);
        Assert.Equal(ElementType.Int8, ElemType(part0, q.Output[0], input: false));
    }

    [Fact]
    public void ForcedFormatsTheDevicesLackAreRefusedAndNothingIsWritten()
    {
        var nano = _dir.File("nano");
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", nano, "--wire", "int8", "--calibration", CalibrationFiles.ForSample(_dir, "repvgg-a0"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("OCD1857", run.Error);
        Assert.Contains("jetson-nano", run.Error);
        Assert.False(Directory.Exists(nano));
        var noData = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("x"), "--devices", "jetson-xavier-nx,rtx-4090", "--wire", "int8");
        Assert.Equal(1, noData.ExitCode);
        Assert.Contains("OCD1856", noData.Error);
        var bad = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("y"), "--wire", "bf16");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--wire 'bf16'", bad.Error);
    }

    [Fact]
    public void ThePlanningModelCountsEachFormatsBytesOnlyForFloatNodeOutputsAtInteriorCuts()
    {
        using var model = ModelSource.Open(null, "repvgg-a0").Model;
        var planning = PlanningModel.Build(model, "repvgg-a0", Passes.Shapes.ShapeBindings.Empty);
        var p = planning.Problem([Compiler.Devices.DeviceCatalog.Resolve("jetson-nano"), Compiler.Devices.DeviceCatalog.Resolve("jetson-xavier-nx")],
            Precision.Fp16, Compiler.Devices.LinkProfile.Default, Objective.Latency, CostModelKind.Roofline, 0, PlannerSettings.PriorAccuracyCost);
        var n = planning.Units.Count;
        foreach (var w in WireFormats.All)
        {
            // The input and the outputs travel as they are.
            Assert.Equal(p.BoundaryBytes[0], p.WireBytes![(int)w][0]);
            Assert.Equal(p.BoundaryBytes[n], p.WireBytes[(int)w][n]);
        }
        for (var b = 0; b < n - 1; b++)
        {
            var floats = planning.Convertible(b).Sum(t => t.Type!.Elements!.Value);
            Assert.Equal(p.BoundaryBytes[b + 1] - floats * 2, p.WireBytes![1][b + 1]);
            Assert.Equal(p.BoundaryBytes[b + 1] - floats * 3, p.WireBytes[2][b + 1]);
            Assert.True(floats > 0);
            Assert.True(p.EarliestProducer![b + 1] <= b);
        }
    }
}
