using System.Text.Json;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Simulation;

/// <summary>
/// The figure through compile and simulate: 131,072 B of results sent from a TX2 to a 4090 at
/// 107.4Mbps,13ms keep the link busy 9.763 ms per frame (capacity 102.4/s) and reach it 22.763 ms after they
/// leave: plan.json and simulate agree, and neither counts the 13 ms in the period. Results consumed upstream
/// (--results first) come back on the downlink, costed in plan.json and queued by simulate.
/// </summary>
public sealed class LinkCapacityCliTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ResultsOf131kBAt107MbpsAnd13msAreLimitedBySerializationAloneInPlanAndSimulate()
    {
        // Two cheap nodes whose output is 32·32·32 float32 = 131,072 B: "all on the TX2" ships it to the 4090.
        var b = new OnnxModelBuilder("heads");
        b.Input("x", ElementType.Float, 1, 32, 32, 32);
        var r = b.Node("Relu", ["x"]);
        b.Node("Sigmoid", [r], ["y"]);
        b.Output("y", ElementType.Float, 1, 32, 32, 32);
        var model = _dir.File("heads.onnx");
        ModelSaver.Save(b.Build(), model);
        var output = _dir.File("out");
        var run = CliRun.Of("compile", model, "-o", output, "--devices", "jetson-tx2,rtx-4090", "--link", "107.4Mbps,13ms", "--objective", "throughput", "--wire", "fp32");
        Assert.True(run.ExitCode == 0, run.Error);

        var serialization = 131_072 * 8 / 107.4e6 * 1e3; // 9.763 ms
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var allOnTx2 = plan.RootElement.GetProperty("baselines").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "all on jetson-tx2").GetProperty("plan");
        Assert.Equal(serialization + 13, allOnTx2.GetProperty("transfersMs")[0].GetDouble(), 3);
        Assert.Equal(serialization, allOnTx2.GetProperty("periodMs").GetDouble(), 3);
        Assert.Equal(1e3 / serialization, allOnTx2.GetProperty("throughputFps").GetDouble(), 1);
        var stage = allOnTx2.GetProperty("stagesMs")[0].GetDouble();
        Assert.Equal(stage + serialization + 13, allOnTx2.GetProperty("latencyMs").GetDouble(), 3);

        var simFile = _dir.File("sim.json");
        var sim = CliRun.Of("simulate", Path.Combine(output, "plan.json"), "--rates", "50,200", "--requests", "4000", "--json", simFile);
        Assert.True(sim.ExitCode == 0, sim.Error);
        using var doc = JsonDocument.Parse(File.ReadAllText(simFile));
        var simulated = doc.RootElement.GetProperty("plans").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "all on jetson-tx2");
        Assert.Equal(1e3 / serialization, simulated.GetProperty("capacityPerSecond").GetDouble(), 1);
        Assert.Equal(serialization + 13 + stage, simulated.GetProperty("latencyMs").GetDouble(), 2);
        var link = simulated.GetProperty("stations").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "link0");
        Assert.Equal(serialization, link.GetProperty("ms").GetDouble(), 3);
        // Saturated at 200/s, it delivers what serialization allows: about 102 frames per second, not 43.9.
        var saturated = simulated.GetProperty("results")[1];
        Assert.True(saturated.GetProperty("saturated").GetBoolean());
        Assert.InRange(saturated.GetProperty("throughputPerSecond").GetDouble(), 100, 1e3 / serialization + 0.01);
    }

    [Fact]
    public void ResultsConsumedUpstreamComeBackOnTheDownlinkInPlanAndSimulate()
    {
        // A Pi 5 sends its frame to a 4090 (1 Gbps up) and wants the 1000 logits back (100 Mbps down, 2 ms).
        var output = _dir.File("back");
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", output, "--devices", "raspberry-pi-5,rtx-4090", "--link", "1Gbps/100Mbps,2ms", "--results", "first");
        Assert.True(run.ExitCode == 0, run.Error);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var root = plan.RootElement;
        Assert.Equal("raspberry-pi-5", root.GetProperty("results").GetString());
        Assert.Equal(-1, root.GetProperty("totals").GetProperty("cuts")[0].GetInt32());
        var back = Assert.Single(root.GetProperty("returns").EnumerateArray());
        Assert.Equal("rtx-4090", back.GetProperty("from").GetString());
        Assert.Equal("raspberry-pi-5", back.GetProperty("to").GetString());
        var logits = Assert.Single(back.GetProperty("tensors").EnumerateArray());
        Assert.Equal(1000 * 4, back.GetProperty("bytes").GetInt64());
        Assert.Equal(logits.GetProperty("bytes").GetInt64(), back.GetProperty("bytes").GetInt64());
        var down = 4000 * 8 / 100e6 * 1e3; // 0.32 ms on the downlink, not 0.032 on the uplink
        Assert.Equal(down, back.GetProperty("serializationMs").GetDouble(), 4);
        Assert.Equal(2, back.GetProperty("latencyMs").GetDouble(), 4);
        var totals = root.GetProperty("totals");
        Assert.Equal(down + 2, totals.GetProperty("returnsMs")[0].GetDouble(), 4);
        var stages = totals.GetProperty("stagesMs").EnumerateArray().Sum(x => x.GetDouble());
        var forward = totals.GetProperty("transfersMs").EnumerateArray().Sum(x => x.GetDouble());
        Assert.Equal(stages + forward + down + 2, totals.GetProperty("latencyMs").GetDouble(), 3);

        var simFile = _dir.File("sim-back.json");
        var sim = CliRun.Of("simulate", Path.Combine(output, "plan.json"), "--rates", "10", "--requests", "300", "--json", simFile);
        Assert.True(sim.ExitCode == 0, sim.Error);
        using var doc = JsonDocument.Parse(File.ReadAllText(simFile));
        var chosen = doc.RootElement.GetProperty("plans")[0];
        var stations = chosen.GetProperty("stations").EnumerateArray().ToList();
        Assert.Equal("return0", stations[^1].GetProperty("name").GetString());
        Assert.Equal("rtx-4090->raspberry-pi-5", stations[^1].GetProperty("resource").GetString());
        Assert.Equal(down, stations[^1].GetProperty("ms").GetDouble(), 4);
        Assert.Equal(totals.GetProperty("latencyMs").GetDouble(), chosen.GetProperty("latencyMs").GetDouble(), 3);
        Assert.Equal(1e3 / stations.Max(x => x.GetProperty("ms").GetDouble()), chosen.GetProperty("capacityPerSecond").GetDouble(), 1);

        // Leave alone: consumed on the 4090 (the default), nothing comes back.
        var last = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("last"), "--devices", "raspberry-pi-5,rtx-4090", "--link", "1Gbps/100Mbps,2ms", "--json", "-");
        Assert.True(last.ExitCode == 0, last.Error);
        using var lastPlan = JsonDocument.Parse(last.Out);
        Assert.Equal(0, lastPlan.RootElement.GetProperty("returns").GetArrayLength());
        Assert.False(lastPlan.RootElement.GetProperty("totals").TryGetProperty("returnsMs", out _));
    }
}
