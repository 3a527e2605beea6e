using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Measurement;

/// <summary>
/// measure and compile --measure on the small grouped RepVGG, with a fixed host profile (so no probe runs) or the
/// host probed alongside the parts, and one or two timed runs: the fields are there and positive, and the parts are
/// predicted with the profile reported; no timing's value is asserted.
/// </summary>
public sealed class MeasureCommandTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string HostFile()
    {
        var host = new DeviceProfile
        {
            Name = "host", DisplayName = "test host", PeakFp32 = 1e11, PeakFp16 = 1e11, PeakInt8 = 4e11, MemoryBandwidth = 2e10,
            KernelOverhead = 1e-6, OperatorEfficiency = new Dictionary<string, double> { ["Relu"] = 0.05 }, Sources = ["a test profile"],
        };
        var path = _dir.File("host.json");
        using (var stream = File.Create(path))
        using (var w = new Utf8JsonWriter(stream)) DeviceProfileJson.Write(w, host);
        return path;
    }

    private static void AssertPositive(JsonElement e, string name) => Assert.True(e.GetProperty(name).GetDouble() > 0, name);

    [Fact]
    public void MeasuringACompiledPlanWritesEachPartsTimeBesideItsPredictions()
    {
        var output = _dir.File("plan");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--link", "1Gbps").ExitCode);
        var run = CliRun.Of("measure", Path.Combine(output, "plan.json"), "--host", HostFile(), "--runs", "2", "--warmup", "1");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Spearman", run.Out);

        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var files = plan.RootElement.GetProperty("parts").EnumerateArray()
            .Where(p => p.GetProperty("file").ValueKind == JsonValueKind.String).Select(p => p.GetProperty("file").GetString()).ToList();
        using var measured = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "measure.json")));
        var root = measured.RootElement;
        Assert.Equal("plan", root.GetProperty("kind").GetString());
        Assert.Equal("host", root.GetProperty("host").GetProperty("name").GetString());
        Assert.False(root.GetProperty("hostProbed").GetBoolean());
        Assert.Equal(2, root.GetProperty("timing").GetProperty("runs").GetInt32());
        Assert.True(root.TryGetProperty("spearman", out _));
        AssertPositive(root, "mapePercent");
        var parts = root.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(files, parts.Select(p => p.GetProperty("file").GetString()));
        foreach (var p in parts)
        {
            AssertPositive(p, "planPredictedMs");
            AssertPositive(p, "hostPredictedMs");
            AssertPositive(p, "measuredMs");
            Assert.Equal(JsonValueKind.Number, p.GetProperty("errorPercent").ValueKind);
        }
    }

    [Fact]
    public void CompileWithMeasureWritesMeasureJsonInTheSameSet()
    {
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--link", "1Gbps", "--measure", "--host", HostFile());
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("meas ms", run.Out);
        Assert.Contains("measure.json", Directory.GetFiles(output).Select(Path.GetFileName));
        using var measured = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "measure.json")));
        Assert.All(measured.RootElement.GetProperty("parts").EnumerateArray(), p => AssertPositive(p, "measuredMs"));
    }

    [Fact]
    public void ASweepReportsRankCorrelationAndMapeOverEveryPart()
    {
        var run = CliRun.Of("measure", "--sample", "repvgg-grouped", "--host", HostFile(), "--compare", "jetson-nano",
            "--cuts", "3", "--runs", "2", "--warmup", "1", "--json", "-");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.Equal("sweep", root.GetProperty("kind").GetString());
        Assert.False(root.GetProperty("hostProbed").GetBoolean());
        Assert.False(root.TryGetProperty("hostBatches", out _));
        Assert.Equal(3, root.GetProperty("cuts").GetArrayLength());
        var parts = root.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(6, parts.Count); // two non-empty parts per cut
        foreach (var p in parts)
        {
            AssertPositive(p, "predictedMs");
            AssertPositive(p, "measuredMs");
            // The compared profile, then the host profile at node level (the cost model before kernels).
            Assert.Equal(2, p.GetProperty("comparedPredictedMs").GetArrayLength());
        }
        Assert.InRange(root.GetProperty("spearman").GetDouble(), -1, 1);
        AssertPositive(root, "mapePercent");
        Assert.Equal("jetson-nano", root.GetProperty("comparedWith")[0].GetProperty("name").GetString());
        var hostName = root.GetProperty("host").GetProperty("name").GetString();
        Assert.Equal($"{hostName} (node level)", root.GetProperty("comparedWith")[1].GetProperty("name").GetString());
        // Node level pays every node's traffic and overhead: never below the kernel-level prediction, above it for a
        // part with a fused epilogue (a one-node part is one kernel either way).
        double Node(JsonElement p) => p.GetProperty("comparedPredictedMs")[1].GetDouble();
        Assert.All(parts, p => Assert.True(Node(p) >= p.GetProperty("predictedMs").GetDouble()));
        Assert.Contains(parts, p => Node(p) > p.GetProperty("predictedMs").GetDouble());
    }

    [Fact]
    public void WithoutHostThePlanIsMeasuredWithAProbeFromTheSameRoundsAndPredictedWithIt()
    {
        var output = _dir.File("plan");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--link", "1Gbps").ExitCode);
        var run = CliRun.Of("measure", Path.Combine(output, "plan.json"), "--runs", "1", "--warmup", "0", "--threads", "1");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("host profile 'host' (probed in the same rounds as the parts)", run.Out);

        using var measured = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "measure.json")));
        var root = measured.RootElement;
        Assert.True(root.GetProperty("hostProbed").GetBoolean());
        var host = DeviceProfileJson.Read(root.GetProperty("host"), null);
        Assert.Contains("timed in the same interleaved rounds as the parts `measure` timed", host.Sources[0]);
        Assert.False(host.ConvEfficiency.IsEmpty); // the fitted probe, grid included
        var parts = root.GetProperty("parts").EnumerateArray().ToList();
        Assert.NotEmpty(parts);
        foreach (var p in parts)
        {
            // Each part's host prediction is the reported profile's prediction of its file.
            using var part = ModelLoader.Load(Path.Combine(output, p.GetProperty("file").GetString()!));
            var expected = HostPrediction.Seconds(part, host) * 1e3;
            Assert.Equal(expected, p.GetProperty("hostPredictedMs").GetDouble(), Math.Max(1e-4, expected * 1e-3));
            AssertPositive(p, "measuredMs");
        }
    }

    [Fact]
    public void WithoutHostASweepReportsTheProbedProfile()
    {
        var run = CliRun.Of("measure", "--sample", "repvgg-grouped", "--cuts", "2", "--runs", "1", "--warmup", "0", "--threads", "1", "--json", "-");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("hostProbed").GetBoolean());
        Assert.False(root.TryGetProperty("hostBatches", out _)); // a small model's parts fit one batch
        Assert.Contains("same interleaved rounds", root.GetProperty("host").GetProperty("sources")[0].GetString());
        Assert.Equal(4, root.GetProperty("parts").GetArrayLength());
        Assert.All(root.GetProperty("parts").EnumerateArray(), p =>
        {
            AssertPositive(p, "predictedMs");
            Assert.False(p.TryGetProperty("batch", out _));
        });
    }

    [Fact]
    public void MeasureNeedsAPlanOrAModelButNotBoth()
    {
        Assert.Equal(2, CliRun.Of("measure", "--host", "jetson-nano").ExitCode);
        var both = CliRun.Of("measure", _dir.File("plan.json"), "--sample", "repvgg-grouped", "--host", "jetson-nano");
        Assert.Equal(2, both.ExitCode);
        var missing = CliRun.Of("measure", _dir.File("plan.json"), "--host", "jetson-nano");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("OCD1001", missing.Error);
    }
}
