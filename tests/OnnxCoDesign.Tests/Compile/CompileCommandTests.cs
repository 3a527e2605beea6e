using System.Text.Json;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>compile end to end through the CLI: the files it writes, their agreement, determinism and refusals.</summary>
public sealed class CompileCommandTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void DefaultCompileOfRepVggWritesEverythingAndVerifies()
    {
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", output, "--verify", "--link", "1Gbps");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("PASS", run.Out);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var parts = plan.RootElement.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(["jetson-nano", "jetson-xavier-nx"], parts.Select(p => p.GetProperty("device").GetString()));
        var files = parts.Select(p => p.GetProperty("file")).Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).ToList();
        Assert.Equal(files.Concat(["build-engines.sh", "plan.json", "report.html", "DEPLOY.md", OnnxCoDesign.Compiler.Emit.OutputManifest.FileName]).Order(StringComparer.Ordinal), Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var f in files)
        {
            using var part = ModelLoader.Load(Path.Combine(output, f));
            Assert.Contains(part.Model.MetadataProps, m => m.Key == "codesign.part");
        }
        var script = File.ReadAllText(Path.Combine(output, "build-engines.sh"));
        foreach (var f in files) Assert.Contains($"--onnx={f}", script);
    }

    [Fact]
    public void TheChosenPlanIsNoWorseThanAnyBaseline()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", _dir.File("o"), "--json", "-", "--lambda", "0.0005", "--link", "50Mbps,5ms");
        Assert.Equal(0, run.ExitCode);
        using var plan = JsonDocument.Parse(run.Out);
        var chosen = plan.RootElement.GetProperty("totals").GetProperty("lossMs").GetDouble();
        foreach (var b in plan.RootElement.GetProperty("baselines").EnumerateArray())
        {
            Assert.True(chosen <= b.GetProperty("plan").GetProperty("lossMs").GetDouble() + 1e-9, b.GetProperty("name").GetString());
        }
        foreach (var pt in plan.RootElement.GetProperty("pareto").EnumerateArray())
        {
            Assert.True(chosen <= pt.GetProperty("lossMs").GetDouble() + 1e-9);
        }
    }

    [Fact]
    public void WithoutDataMeasuredAccuracyIsEachStrategysWeightRoundingDeviationAtThePrecision()
    {
        // fp16 on a device chain that runs it: without data the measured cost is the weight-only rounding of old.
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", _dir.File("m"), "--json", "-", "--precision", "fp16", "--accuracy", "measured");
        Assert.Equal(0, run.ExitCode);
        using var plan = JsonDocument.Parse(run.Out);
        var cost = plan.RootElement.GetProperty("strategyAccuracyCost").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(4, cost.Length);
        // Real deviations of a working model: small but not zero, and each strategy's own (fp16 rounds the folded
        // weights of S1 differently from the kept branches of S4). int8 needs calibration data, which measures
        // accuracy for real (sensitivity table) instead: see the Fashion-MNIST tests.
        Assert.All(cost, c => Assert.InRange(c, 1e-6, 0.5));
        Assert.NotEqual(cost[0], cost[3]);
        Assert.Equal("measured", plan.RootElement.GetProperty("accuracy").GetProperty("model").GetString());
        Assert.StartsWith("weight-rounding deviation", plan.RootElement.GetProperty("accuracy").GetProperty("metric").GetString());
    }

    [Theory]
    [InlineData("repvgg-a0")]
    [InlineData("detector")]
    public void TheDefaultCompileVerifiesAndIsByteForByteRepeatable(string sample)
    {
        var first = _dir.File("first");
        var second = _dir.File("second");
        var verified = CliRun.Of("compile", "--sample", sample, "-o", first, "--verify");
        Assert.Equal(0, verified.ExitCode);
        Assert.Contains("PASS", verified.Out);
        Assert.Equal(0, CliRun.Of("compile", "--sample", sample, "-o", second).ExitCode);
        var a = Directory.GetFiles(first).Order(StringComparer.Ordinal).ToArray();
        var b = Directory.GetFiles(second).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(a.Select(Path.GetFileName), b.Select(Path.GetFileName));
        Assert.Contains(a, f => f.EndsWith(".onnx", StringComparison.Ordinal));
        for (var i = 0; i < a.Length; i++) Assert.Equal(File.ReadAllBytes(a[i]), File.ReadAllBytes(b[i]));
    }

    [Fact]
    public void CompilingTwiceGivesTheSameBytes()
    {
        string[] Run(string name)
        {
            var o = _dir.File(name);
            Assert.Equal(0, CliRun.Of("compile", "--sample", "detector", "-o", o, "--link", "1Gbps", "--objective", "throughput").ExitCode);
            return Directory.GetFiles(o).Order(StringComparer.Ordinal).ToArray();
        }
        var a = Run("a");
        var b = Run("b");
        Assert.Equal(a.Select(Path.GetFileName), b.Select(Path.GetFileName));
        for (var i = 0; i < a.Length; i++) Assert.Equal(File.ReadAllBytes(a[i]), File.ReadAllBytes(b[i]));
    }

    [Fact]
    public void DetectorPartsExchangeExactlyTheTransferredTensors()
    {
        var output = _dir.File("det");
        var run = CliRun.Of("compile", "--sample", "detector", "-o", output, "--link", "1Gbps", "--objective", "throughput", "--verify");
        Assert.Equal(0, run.ExitCode);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var parts = plan.RootElement.GetProperty("parts").EnumerateArray().ToList();
        var transfer = plan.RootElement.GetProperty("transfers")[0];
        var crossing = transfer.GetProperty("tensors").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order().ToList();
        var second = parts[1].GetProperty("inputs").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToHashSet();
        var firstOut = parts[0].GetProperty("outputs").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order().ToList();
        Assert.Equal(crossing, firstOut);
        Assert.All(second, name => Assert.Contains(name, crossing));
        Assert.Equal(crossing.Count == 0 ? 0 : transfer.GetProperty("tensors").EnumerateArray().Sum(t => t.GetProperty("bytes").GetInt64()), transfer.GetProperty("bytes").GetInt64());
    }

    [Theory]
    [InlineData("--devices", "jetson-nano,jetson-nanoo", "OCD16")]
    [InlineData("--link", "fast", "OCD16")]
    [InlineData("--shape", "input=1x3", "OCD130")]
    public void RefusesBadSettingsWithACodeAndLeavesTheOldOutput(string option, string value, string codePrefix)
    {
        // The old output is the compiler's own (a folder it did not write is refused before the settings matter).
        var output = _dir.File("keep");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output).ExitCode);
        var old = _dir.Files().ToDictionary(f => f, f => File.ReadAllBytes(_dir.File(f)));
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, option, value);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error {codePrefix}", run.Error);
        Assert.Equal(old.Keys, _dir.Files());
        Assert.All(old, f => Assert.Equal(f.Value, File.ReadAllBytes(_dir.File(f.Key))));
    }

    [Fact]
    public void CompilingAgainIntoAFolderGivenWithATrailingSlashReplacesIt()
    {
        var output = _dir.File("again") + Path.DirectorySeparatorChar;
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output).ExitCode);
        var second = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--objective", "throughput");
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("\"objective\": \"throughput\"", File.ReadAllText(Path.Combine(output, "plan.json")));
        Assert.All(_dir.Files(), f => Assert.StartsWith("again" + Path.DirectorySeparatorChar, f));
    }

    [Fact]
    public void RefusesAnOutputFolderWhoseParentIsMissing()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", _dir.File("no/such/out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error OCD1401: --output '{_dir.File("no/such/out")}': the folder '{_dir.File("no/such")}' does not exist", run.Error);
        Assert.Empty(_dir.Files());
    }

    [Fact]
    public void RefusesATruncatedModelAndWritesNothing()
    {
        var model = _dir.File("cut.onnx");
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(OnnxCoDesign.Samples.SampleModels.RepVggGrouped());
        File.WriteAllBytes(model, bytes[..(bytes.Length / 3)]);
        var run = CliRun.Of("compile", model, "-o", _dir.File("out"));
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"{model}: error OCD1004", run.Error);
        Assert.Equal(["cut.onnx"], _dir.Files());
    }

    [Fact]
    public void UnknownObjectiveIsAUsageError()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", _dir.File("o"), "--objective", "speed");
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(_dir.Files());
    }
}
