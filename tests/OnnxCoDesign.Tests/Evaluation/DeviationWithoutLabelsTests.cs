using System.Text.Json;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Evaluation;

/// <summary>Models without labels (the detector sample): the output deviation from the fp32 original stands in, and is called that.</summary>
public sealed class DeviationWithoutLabelsTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EvaluateScoresADetectorByEachOutputsDeviation()
    {
        var data = CalibrationFiles.ForSample(_dir, "detector", count: 3);
        var run = CliRun.Of("evaluate", "--sample", "detector", "--validation", data, "--precision", "int8", "--calibration", data, "--json", "-");
        Assert.True(run.ExitCode == 0, run.Error);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.Equal("output deviation (relative L2, %)", root.GetProperty("metric").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("labels").ValueKind);
        var candidate = root.GetProperty("models")[1];
        Assert.Equal(JsonValueKind.Null, candidate.GetProperty("top1").ValueKind);
        var outputs = candidate.GetProperty("deviation").EnumerateArray().ToList();
        Assert.True(outputs.Count > 1, "the detector has several heads");
        var worst = outputs.Max(o => o.GetProperty("relativeL2").GetDouble());
        Assert.InRange(worst, 1e-6, 1);
        // The drop is the worst output's relative L2, in percent.
        Assert.Equal(100 * worst, candidate.GetProperty("drop").GetDouble(), 3);
    }

    [Fact]
    public void CompileWithCalibrationDataOnlyMeasuresAccuracyAsOutputDeviation()
    {
        var data = CalibrationFiles.ForSample(_dir, "repvgg-grouped", count: 3);
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", _dir.File("out"), "--devices", "jetson-xavier-nx,rtx-4090", "--precision", "int8",
            "--calibration", data, "--accuracy", "measured", "--sensitivity-samples", "2", "--json", "-");
        Assert.True(run.ExitCode == 0, run.Error);
        using var plan = JsonDocument.Parse(run.Out);
        var accuracy = plan.RootElement.GetProperty("accuracy");
        Assert.Equal("output deviation (relative L2, %)", accuracy.GetProperty("metric").GetString());
        Assert.Equal(3, accuracy.GetProperty("samples").GetInt64());
        Assert.True(accuracy.GetProperty("measured").GetDouble() > 0);
        Assert.False(accuracy.TryGetProperty("original", out _)); // no labels, no top-1
        // Each unit alone costs something at int8; S1..S4 per row.
        Assert.All(accuracy.GetProperty("sensitivity").EnumerateArray(), r => Assert.Equal(4, r.GetProperty("cost").GetArrayLength()));
    }
}
