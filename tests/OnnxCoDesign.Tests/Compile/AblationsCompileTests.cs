using System.Text.Json;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>
/// compile writes the ablation table: plan.json `ablations` (four rows, each with its plan and figures, and with data
/// the plan measured whole), the report's table beside the baselines and one summary line per row.
/// </summary>
public sealed class AblationsCompileTests : IDisposable
{
    private static readonly string[] Names = ["w/o roofline", "w/o dynamic structure", "w/o multi-objective", "w/o wire formats"];

    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PlanJsonListsTheFourAblationsWithTheirPlansAndFigures()
    {
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "--objective", "throughput", "--lambda", "0.001", "-o", output);
        Assert.True(run.ExitCode == 0, run.Error);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var root = plan.RootElement;
        var units = root.GetProperty("units").GetInt32();
        var totalLoss = root.GetProperty("totals").GetProperty("lossMs").GetDouble();
        var rows = root.GetProperty("ablations").EnumerateArray().ToList();
        Assert.Equal(Names, rows.Select(r => r.GetProperty("name").GetString()));
        foreach (var row in rows)
        {
            Assert.False(string.IsNullOrEmpty(row.GetProperty("description").GetString()));
            var r = row.GetProperty("plan");
            var cuts = r.GetProperty("cuts").EnumerateArray().Select(c => c.GetInt32()).ToList();
            Assert.Single(cuts); // two devices
            Assert.InRange(cuts[0], -1, units - 1);
            Assert.Equal(cuts.Count, row.GetProperty("after").GetArrayLength());
            var wires = r.GetProperty("wires").GetString()!.Split(',');
            Assert.Equal(cuts.Count, wires.Length);
            Assert.All(wires, w => Assert.Contains(w, new[] { "fp32", "fp16", "int8" }));
            Assert.Equal(2, r.GetProperty("strategies").GetString()!.Split(',').Length);
            var period = r.GetProperty("periodMs").GetDouble();
            Assert.Equal(1e3 / period, r.GetProperty("throughputFps").GetDouble(), 1);
            Assert.True(r.GetProperty("latencyMs").GetDouble() >= period - 1e-3);
            Assert.True(r.GetProperty("accuracyCost").GetDouble() >= 0);
            // The co-designed plan is the optimum of L: no row beats it (rounded to 4 decimals).
            Assert.True(r.GetProperty("lossMs").GetDouble() >= totalLoss - 1e-3, $"{row.GetProperty("name")}: {r.GetProperty("lossMs")} < {totalLoss}");
            Assert.False(row.TryGetProperty("measuredAccuracy", out _)); // no data, nothing measured
        }
        Assert.All(rows[1].GetProperty("plan").GetProperty("strategies").GetString()!.Split(','), s => Assert.Equal("S1", s));
        Assert.Equal("fp32", rows[3].GetProperty("plan").GetProperty("wires").GetString());

        // The report's table: the chosen plan, then the four rows; the summary: one line each.
        var report = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains("<table id=\"ablations-table\">", report);
        Assert.True(report.IndexOf("id=\"baselines-table\"", StringComparison.Ordinal) < report.IndexOf("id=\"ablations-table\"", StringComparison.Ordinal));
        Assert.Equal(4, CountOf(report, "class=\"ablation-row\""));
        Assert.All(Names, n => Assert.Single(run.Out.Split('\n'), l => l.TrimStart().StartsWith(n, StringComparison.Ordinal)));
    }

    [Fact]
    public void WithDataEachAblationIsMeasuredWholeAsTheChosenPlanIs()
    {
        var data = CalibrationFiles.ForSample(_dir, "repvgg-grouped", count: 3);
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--devices", "jetson-xavier-nx,rtx-4090", "--precision", "int8",
            "--calibration", data, "--validation", data);
        Assert.True(run.ExitCode == 0, run.Error);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var root = plan.RootElement;
        var measured = root.GetProperty("accuracy").GetProperty("measured").GetDouble();
        var chosen = Key(root.GetProperty("totals"));
        var rows = root.GetProperty("ablations").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.True(r.GetProperty("measuredAccuracy").GetDouble() >= 0));
        // λ is 0 (the default), so w/o multi-objective is the chosen plan itself, and measures what it measured.
        Assert.Equal(0, root.GetProperty("lambda").GetDouble());
        Assert.Equal(chosen, Key(rows[2].GetProperty("plan")));
        Assert.Equal(measured, rows[2].GetProperty("measuredAccuracy").GetDouble(), 4);
        Assert.Contains("<th>measured (", File.ReadAllText(Path.Combine(output, "report.html")));
    }

    private static string Key(JsonElement plan) =>
        string.Join(",", plan.GetProperty("cuts").EnumerateArray().Select(c => c.GetInt32())) + "|" + plan.GetProperty("strategies").GetString();

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
