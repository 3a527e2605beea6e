using System.Text.Json;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Simulation;

/// <summary>
/// The figure through compile and simulate: 131,072 B of results sent from a TX2 to a 4090 at
/// 107.4Mbps,13ms keep the link busy 9.763 ms per frame (capacity 102.4/s) and reach it 22.763 ms after they
/// leave: plan.json and simulate agree, and neither counts the 13 ms in the period.
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
}
