using System.Text.Json;
using OnnxCoDesign.Compiler.Cli;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cli;

/// <summary>
/// The conventions every command shares, table-driven over the commands: `--json FILE|-`, bare --json refused,
/// one precision parser, the same --inputs/--seed defaults, `MODEL | --sample NAME` positional.
/// </summary>
public sealed class CliConventionTests(CliFixture fixture) : IClassFixture<CliFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Each command that writes JSON, with the arguments of a quick run (the scratch folder is {0}).</summary>
    public static TheoryData<string> JsonCommands => new() { "analyze", "sample", "devices", "compile", "fuse", "verify", "simulate", "measure" };

    private string[] Args(string command) => command switch
    {
        "analyze" => ["analyze", fixture.Model],
        "sample" => ["sample"],
        "devices" => ["devices", "jetson-nano"],
        "compile" => ["compile", fixture.Model, "-o", _dir.File("out")],
        "fuse" => ["fuse", fixture.Model, "-o", _dir.File("fused.onnx")],
        "verify" => ["verify", fixture.Model, fixture.Fused, "--inputs", "1"],
        "simulate" => ["simulate", fixture.Plan, "--rates", "10", "--requests", "50"],
        "measure" => ["measure", fixture.Model, "--host", "jetson-nano", "--cuts", "1", "--runs", "1", "--warmup", "0"],
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    [Theory]
    [MemberData(nameof(JsonCommands))]
    public void JsonFileWritesTheJsonBesideTheTextReport(string command)
    {
        var file = _dir.File(command + ".json");
        var run = CliRun.Of([.. Args(command), "--json", file]);
        Assert.True(run.ExitCode == 0, run.Error);
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        Assert.NotEmpty(run.Out);
        Assert.False(run.Out.TrimStart().StartsWith('{'), "the text report, not the JSON, goes to stdout");
    }

    [Theory]
    [MemberData(nameof(JsonCommands))]
    public void JsonDashPrintsOnlyTheJson(string command)
    {
        var run = CliRun.Of([.. Args(command), "--json", "-"]);
        Assert.True(run.ExitCode == 0, run.Error);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Theory]
    [MemberData(nameof(JsonCommands))]
    public void BareJsonIsAUsageErrorNamingTheNewForm(string command)
    {
        foreach (var args in new[] { [.. Args(command), "--json"], (string[])[.. Args(command), "--json", "--debug"] })
        {
            var run = CliRun.Of(args);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("error OCD1401: --json takes FILE or -", run.Error);
            Assert.Contains("--json -", run.Error);
            Assert.Empty(run.Out);
        }
        Assert.False(Directory.Exists(_dir.File("out")));
        Assert.False(File.Exists(_dir.File("fused.onnx")));
    }

    public static TheoryData<string, string> PrecisionCommands => new()
    {
        { "compile", "fp32" }, { "compile", "FP16" }, { "compile", "int8" },
        { "fuse", "fp32" }, { "fuse", "fp16" }, { "fuse", "Int8" },
        { "verify", "FP32" }, { "verify", "fp16" }, { "verify", "int8" },
    };

    private string[] OnAMissingModel(string command, string missing) => command switch
    {
        "compile" => ["compile", missing, "-o", _dir.File("out")],
        "fuse" => ["fuse", missing, "-o", _dir.File("fused.onnx")],
        _ => ["verify", missing, fixture.Fused],
    };

    /// <summary>An accepted precision lets the command go on to load the model, which (missing) it refuses with OCD1001.</summary>
    [Theory]
    [MemberData(nameof(PrecisionCommands))]
    public void EveryCommandAcceptsFp32Fp16AndInt8(string command, string precision)
    {
        var run = CliRun.Of([.. OnAMissingModel(command, _dir.File("missing.onnx")), "--precision", precision]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("OCD1001", run.Error);
    }

    [Theory]
    [InlineData("compile", "half")]
    [InlineData("fuse", "half")]
    [InlineData("verify", "half")]
    [InlineData("compile", "float16")]
    [InlineData("fuse", "fp64")]
    [InlineData("verify", " fp16")]
    public void EveryCommandRefusesAnyOtherPrecisionBeforeLoadingTheModel(string command, string precision)
    {
        var run = CliRun.Of([.. OnAMissingModel(command, _dir.File("missing.onnx")), "--precision", precision]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error OCD1401: --precision '{precision}' is not one of fp32, fp16, int8", run.Error);
        Assert.DoesNotContain("OCD1001", run.Error);
    }

    [Fact]
    public void OneParserForTheOnePrecisionType()
    {
        Assert.Equal(TargetPrecision.Fp16, TargetPrecisionNames.Parse("fp16"));
        Assert.Equal(TargetPrecision.Int8, TargetPrecisionNames.Parse("INT8"));
        Assert.Equal(TargetPrecision.Fp32, TargetPrecisionNames.Parse("Fp32"));
        Assert.Null(TargetPrecisionNames.Parse("half"));
        Assert.Null(TargetPrecisionNames.Parse("float32"));
    }

    [Theory]
    [InlineData("compile")]
    [InlineData("fuse")]
    [InlineData("verify")]
    [InlineData("simulate")]
    public void SeedAndInputsDefaultTheSameEverywhere(string command)
    {
        var help = CliRun.Of(command, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Matches(@"--seed <S>\s+seed of [^\n]*\(default 0\)", help.Out);
        if (command != "simulate") Assert.Matches(@"--inputs <N>\s+seeded random inputs [^\n]*\(default 4\)", help.Out);
        Assert.Equal(0UL, CliConventions.DefaultSeed);
        Assert.Equal(4, CliConventions.DefaultInputs);
    }

    [Fact]
    public void VerifyAndCompileVerifyGenerateFourInputsWithSeedZeroByDefault()
    {
        var verify = CliRun.Of("verify", fixture.Model, fixture.Fused);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("4 seeded input sample(s), seed 0", verify.Out);

        var compile = CliRun.Of("compile", fixture.Model, "-o", _dir.File("out"), "--verify");
        Assert.Equal(0, compile.ExitCode);
        Assert.Contains("4 seeded input sample(s), seed 0", compile.Out);

        var chosen = CliRun.Of("compile", fixture.Model, "-o", _dir.File("out"), "--verify", "--inputs", "2", "--seed", "7");
        Assert.Equal(0, chosen.ExitCode);
        Assert.Contains("2 seeded input sample(s), seed 7", chosen.Out);
    }

    [Fact]
    public void SimulateSeedsItsArrivalsWithZeroByDefault()
    {
        string[] args = ["simulate", fixture.Plan, "--rates", "100", "--requests", "200", "--json", "-"];
        var byDefault = CliRun.Of(args);
        var zero = CliRun.Of([.. args, "--seed", "0"]);
        var one = CliRun.Of([.. args, "--seed", "1"]);
        Assert.Equal(0, byDefault.ExitCode);
        Assert.Equal(zero.Out, byDefault.Out);
        Assert.NotEqual(one.Out, byDefault.Out);
    }

    [Fact]
    public void MeasureTakesTheModelPositionallyAndAPlanByItsJsonName()
    {
        var model = CliRun.Of("measure", _dir.File("missing.onnx"), "--host", "jetson-nano");
        Assert.Equal(1, model.ExitCode);
        Assert.Contains("OCD1001", model.Error);

        var plan = CliRun.Of("measure", _dir.File("missing.json"), "--host", "jetson-nano", "--cuts", "3");
        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("--compare and --cuts are for a sweep", plan.Error);

        var old = CliRun.Of("measure", "--model", fixture.Model, "--host", "jetson-nano");
        Assert.Equal(2, old.ExitCode);
        Assert.Contains("Unrecognized option '--model'", old.Error);
    }

    [Fact]
    public void MeasureJsonFileTakesThePlaceOfMeasureJsonBesideThePlan()
    {
        var file = _dir.File("timed.json");
        var run = CliRun.Of("measure", fixture.Plan, "--host", "jetson-nano", "--runs", "1", "--warmup", "0", "--json", file);
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        Assert.Equal("plan", doc.RootElement.GetProperty("kind").GetString());
        Assert.Contains($"wrote {file}", run.Out);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(fixture.Plan)!, "measure.json")));
    }

    [Fact]
    public void VerifyTakesASampleInPlaceOfTheOriginal()
    {
        var fused = _dir.File("a0.onnx");
        Assert.Equal(0, CliRun.Of("fuse", "--sample", "repvgg-grouped", "-o", fused).ExitCode);
        var run = CliRun.Of("verify", "--sample", "repvgg-grouped", fused, "--inputs", "1");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("original:  repvgg-grouped", run.Out);

        var both = CliRun.Of("verify", fixture.Model, fused, "--sample", "repvgg-grouped");
        Assert.Equal(2, both.ExitCode);
    }
}
