using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Schema;

/// <summary>
/// Every plan.json compile writes validates against the shipped plan.schema.json (samples on 2 and 3 devices,
/// both objectives, both cost models, int8), and reads back through <see cref="PlanReader"/> into records that
/// write the same bytes again.
/// </summary>
public sealed class PlanSchemaTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string[]> Plans => new()
    {
        { "repvgg-a0 on 2 devices", ["--sample", "repvgg-a0"] },
        { "repvgg-a0 with the camera's uint8 input", ["--sample", "repvgg-a0", "--input-format", "uint8", "--preprocess", "mean=0.485,0.456,0.406,std=0.229,0.224,0.225"] },
        { "repvgg-grouped on 3 devices", ["--sample", "repvgg-grouped", "--devices", "jetson-nano,jetson-xavier-nx,rtx-4090"] },
        { "detector for throughput", ["--sample", "detector", "--link", "1Gbps", "--objective", "throughput", "--lambda", "0.001"] },
        { "inception on 3 devices, paper cost model, int8", ["--sample", "inception", "--devices", "jetson-tx2,jetson-nano,rtx-4090", "--cost-model", "paper", "--precision", "int8", "--calibration", Calibration] },
        { "repvgg-grouped, int8, accuracy measured on data", ["--sample", "repvgg-grouped", "--precision", "int8", "--calibration", Calibration, "--accuracy", "measured", "--sensitivity-samples", "2"] },
    };

    /// <summary>Stands for calibration data of the compiled sample, written by the test.</summary>
    private const string Calibration = "@calibration";

    private string Compile(string[] args)
    {
        var output = _dir.File("out");
        var sample = args[Array.IndexOf(args, "--sample") + 1];
        var run = CliRun.Of(["compile", .. args.Select(a => a == Calibration ? CalibrationFiles.ForSample(_dir, sample) : a), "-o", output]);
        Assert.True(run.ExitCode == 0, run.Error);
        return File.ReadAllText(Path.Combine(output, "plan.json"));
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void CompiledPlanValidatesAgainstTheSchema(string name, string[] args)
    {
        _ = name;
        Assert.Empty(PlanSchema.Errors(Compile(args)));
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void CompiledPlanRoundTripsThroughTheRecordsByteForByte(string name, string[] args)
    {
        _ = name;
        var text = Compile(args);
        var read = PlanReader.Parse(text, "plan.json");
        Assert.Equal(text, CodesignJson.Write(read, CodesignJson.Default.PlanDocument));
        Assert.Equal(CodesignJson.SchemaVersion, read.SchemaVersion);
        Assert.NotNull(read.Warnings);
    }

    [Fact]
    public void EveryCompileGoldenValidatesAgainstTheSchema()
    {
        var goldens = Directory.GetDirectories(RepoPaths.Golden, "compile-*").Select(d => Path.Combine(d, "plan.json")).ToList();
        Assert.NotEmpty(goldens);
        foreach (var golden in goldens) Assert.Equal([], PlanSchema.Errors(File.ReadAllText(golden)));
    }

    [Fact]
    public void TheSchemaRefusesWhatCompileNeverWrites()
    {
        var plan = File.ReadAllText(Path.Combine(RepoPaths.Golden, "compile-repvgg-a0", "plan.json"));
        Assert.NotEmpty(PlanSchema.Errors(plan.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 3")));
        Assert.NotEmpty(PlanSchema.Errors(plan.Replace("\"precision\": \"fp16\"", "\"precision\": \"fp8\"")));
        Assert.NotEmpty(PlanSchema.Errors(plan.Replace("\"blockCount\":", "\"blockCounts\":")));
        Assert.NotEmpty(PlanSchema.Errors(plan.Replace("\"file\": \"part0.onnx\"", "\"file\": 0")));
    }

    [Fact]
    public void TheSchemaShipsBesideTheTool()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "Schemas", "plan.schema.json");
        Assert.Equal(File.ReadAllText(RepoPaths.PlanSchema), File.ReadAllText(shipped));
    }
}
