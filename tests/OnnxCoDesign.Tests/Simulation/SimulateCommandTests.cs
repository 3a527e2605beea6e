using System.Text.Json;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Simulation;

/// <summary>simulate through the CLI: on a plan compile wrote, its table and JSON, determinism, old plans and refusals.</summary>
public sealed class SimulateCommandTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Compiled()
    {
        var output = _dir.File("det");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "detector", "-o", output, "--link", "1Gbps", "--objective", "throughput").ExitCode);
        return Path.Combine(output, "plan.json");
    }

    [Fact]
    public void SimulatesThePlanAndEveryBaselineAtEveryRate()
    {
        var plan = Compiled();
        var jsonFile = _dir.File("sim.json");
        var run = CliRun.Of("simulate", plan, "--rates", "10,50,1000", "--requests", "2000", "--seed", "3", "--json", jsonFile);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error); // no progress line when stderr is not a terminal
        using var planDoc = JsonDocument.Parse(File.ReadAllText(plan));
        using var sim = JsonDocument.Parse(File.ReadAllText(jsonFile));
        var plans = sim.RootElement.GetProperty("plans").EnumerateArray().ToList();
        var baselines = planDoc.RootElement.GetProperty("baselines").EnumerateArray().Select(b => b.GetProperty("name").GetString()).ToList();
        // The chosen plan first, then every baseline but the entry that repeats the chosen plan.
        Assert.Equal(baselines.Where(b => b != "co-designed").Prepend("co-designed"), plans.Select(p => p.GetProperty("name").GetString()));
        Assert.All(plans, p => Assert.Equal(3, p.GetProperty("results").GetArrayLength()));

        // The chosen plan's stations are its parts and transfers with their times, and its capacity is 1 / the period.
        var chosen = plans[0];
        var period = planDoc.RootElement.GetProperty("totals").GetProperty("periodMs").GetDouble();
        Assert.Equal(1e3 / period, chosen.GetProperty("capacityPerSecond").GetDouble(), 0.05);
        var stations = chosen.GetProperty("stations").EnumerateArray().Select(s => s.GetProperty("ms").GetDouble()).ToList();
        Assert.Equal(period, stations.Max(), 3);
        var saturated = chosen.GetProperty("results")[2];
        Assert.True(saturated.GetProperty("saturated").GetBoolean());
        Assert.InRange(saturated.GetProperty("throughputPerSecond").GetDouble(), 0.98e3 / period, 1e3 / period + 0.01);

        foreach (var name in baselines.Where(b => b != "co-designed")) Assert.Contains(name!, run.Out);
        Assert.Contains("saturated", run.Out);
    }

    [Fact]
    public void JsonToStdoutIsTheSameAsTheFileAndTheSeedFixesIt()
    {
        var plan = Compiled();
        var file = _dir.File("a.json");
        var a = CliRun.Of("simulate", Path.GetDirectoryName(plan)!, "--rates", "100", "--requests", "500", "--json", file);
        var b = CliRun.Of("simulate", plan, "--rates", "100", "--requests", "500", "--json", "-");
        var c = CliRun.Of("simulate", plan, "--rates", "100", "--requests", "500", "--json", "-", "--seed", "2");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(File.ReadAllText(file), b.Out);
        Assert.NotEqual(b.Out, c.Out);
        Assert.DoesNotContain("rate/s", b.Out); // '-' prints JSON instead of the table
    }

    [Fact]
    public void APlanWithoutBaselineStagesSimulatesTheChosenPlanAndSaysSo()
    {
        // A plan.json written before the stage arrays existed: remove them everywhere.
        var plan = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Compiled()))!;
        foreach (var scored in plan["baselines"]!.AsArray().Select(b => b!["plan"]!.AsObject()).Append(plan["totals"]!.AsObject()))
        {
            scored.Remove("stagesMs");
            scored.Remove("transfersMs");
        }
        var stripped = plan.ToJsonString();
        Assert.DoesNotContain("stagesMs", stripped);
        var old = _dir.File("old.json");
        File.WriteAllText(old, stripped);
        var run = CliRun.Of("simulate", old, "--rates", "10", "--requests", "100");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("note: this plan.json lists no stagesMs", run.Out);
        Assert.Single(run.Out.Split('\n'), l => l.Contains("capacity"));
    }

    [Theory]
    [InlineData("--rates", "0")]
    [InlineData("--rates", "10,abc")]
    [InlineData("--rates", "-5")]
    [InlineData("--requests", "0")]
    [InlineData("--requests", "1e3")]
    [InlineData("--seed", "-1")]
    public void BadNumbersAreUsageErrors(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--rates"] = "10", ["--requests"] = "100", [option] = value };
        var run = CliRun.Of(["simulate", _dir.File("whatever.json"), .. args.SelectMany(kv => new[] { kv.Key, kv.Value })]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("OCD1401", run.Error);
        Assert.Contains(option, run.Error);
    }

    [Fact]
    public void MissingAndMalformedPlansAreRefusedWithACode()
    {
        var missing = CliRun.Of("simulate", _dir.File("nope.json"), "--rates", "10", "--requests", "10");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("OCD1001", missing.Error);

        var bad = _dir.File("bad.json");
        File.WriteAllText(bad, """{"model": "m", "devices": []}""");
        var malformed = CliRun.Of("simulate", bad, "--rates", "10", "--requests", "10");
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("OCD1701", malformed.Error);
        Assert.Contains("not a plan.json", malformed.Error);
    }

    [Fact]
    public void RatesAndRequestsAreRequired()
    {
        Assert.Equal(2, CliRun.Of("simulate", _dir.File("p.json"), "--requests", "10").ExitCode);
        Assert.Equal(2, CliRun.Of("simulate", _dir.File("p.json"), "--rates", "10").ExitCode);
    }
}
