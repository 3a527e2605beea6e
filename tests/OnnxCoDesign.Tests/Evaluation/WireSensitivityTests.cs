using System.Text.Json;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Evaluation;

/// <summary>
/// The wire formats' accuracy cost, measured as the strategies' is: each cut's tensors alone through a lossy
/// format and back, scored against the original (here by output deviation, from calibration data alone).
/// </summary>
public sealed class WireSensitivityTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EveryCutIsMeasuredInEachFormatBothDevicesRunAndFp16CostsLessThanInt8()
    {
        var data = CalibrationFiles.ForSample(_dir, "repvgg-grouped", count: 3);
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", _dir.File("out"), "--devices", "jetson-xavier-nx,rtx-4090",
            "--calibration", data, "--accuracy", "measured", "--sensitivity-samples", "2", "--json", "-");
        Assert.True(run.ExitCode == 0, run.Error);
        using var plan = JsonDocument.Parse(run.Out);
        var root = plan.RootElement;
        var rows = root.GetProperty("accuracy").GetProperty("wireSensitivity").EnumerateArray()
            .Select(r => (After: r.GetProperty("after").GetString()!, Format: r.GetProperty("format").GetString()!, Cost: r.GetProperty("cost").GetDouble())).ToList();
        var int8 = rows.Where(r => r.Format == "int8").ToDictionary(r => r.After, r => r.Cost);
        var fp16 = rows.Where(r => r.Format == "fp16").ToDictionary(r => r.After, r => r.Cost);
        // Every interior cut of the sweep carries float32 activations, so each has an int8 entry, and int8 rounds coarser than fp16.
        var interior = root.GetProperty("sweep").EnumerateArray().Select(p => p.GetProperty("after").GetString()!).Where(a => a != "(input)").SkipLast(1).ToList();
        Assert.NotEmpty(interior);
        Assert.Equal(interior.Order(StringComparer.Ordinal), int8.Keys.Order(StringComparer.Ordinal));
        foreach (var cut in interior)
        {
            Assert.True(int8[cut] > 0, cut);
            Assert.True(fp16.GetValueOrDefault(cut) < int8[cut], $"{cut}: fp16 {fp16.GetValueOrDefault(cut)} vs int8 {int8[cut]}");
        }
        // The planner added the chosen link's entry: A is at least the wire's cost at the chosen cut.
        var transfer = root.GetProperty("transfers")[0];
        var wire = transfer.GetProperty("wire").GetString();
        var cutAfter = root.GetProperty("sweep").EnumerateArray().Single(p => p.GetProperty("boundary").GetInt32() == root.GetProperty("totals").GetProperty("cuts")[0].GetInt32()).GetProperty("after").GetString()!;
        var expected = wire == "int8" ? int8.GetValueOrDefault(cutAfter) : wire == "fp16" ? fp16.GetValueOrDefault(cutAfter) : 0;
        Assert.True(root.GetProperty("accuracy").GetProperty("predicted").GetDouble() >= expected - 1e-4);
    }

    [Fact]
    public void WithoutALossyFormatAnywhereNoWireSensitivityIsMeasured()
    {
        var data = CalibrationFiles.ForSample(_dir, "repvgg-grouped", count: 3);
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", _dir.File("out"), "--devices", "jetson-xavier-nx,rtx-4090", "--wire", "fp32",
            "--calibration", data, "--accuracy", "measured", "--sensitivity-samples", "2", "--json", "-");
        Assert.True(run.ExitCode == 0, run.Error);
        using var plan = JsonDocument.Parse(run.Out);
        Assert.False(plan.RootElement.GetProperty("accuracy").TryGetProperty("wireSensitivity", out _));
        Assert.Equal("fp32", plan.RootElement.GetProperty("transfers")[0].GetProperty("wire").GetString());
    }
}
