using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Measurement;

/// <summary>
/// measure and compile --measure on the small grouped RepVGG, with a fixed host profile (so no probe runs)
/// and two timed runs: the fields are there and positive; no timing's value is asserted.
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
        Assert.Equal(3, root.GetProperty("cuts").GetArrayLength());
        var parts = root.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(6, parts.Count); // two non-empty parts per cut
        foreach (var p in parts)
        {
            AssertPositive(p, "predictedMs");
            AssertPositive(p, "measuredMs");
            Assert.Single(p.GetProperty("comparedPredictedMs").EnumerateArray());
        }
        Assert.InRange(root.GetProperty("spearman").GetDouble(), -1, 1);
        AssertPositive(root, "mapePercent");
        Assert.Equal("jetson-nano", root.GetProperty("comparedWith")[0].GetProperty("name").GetString());
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
