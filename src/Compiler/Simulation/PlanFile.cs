using OnnxCoDesign.Compiler.Schema;

namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>What `simulate` takes from plan.json: the model's name, the chosen plan and the baselines as pipelines.</summary>
public sealed record PlanFileContents(string Model, IReadOnlyList<SimulatedPlan> Plans, string? Note);

/// <summary>
/// plan.json (read by <see cref="PlanReader"/>) as pipelines, under the pipelined link model: a link is a
/// station busy for its serialization, followed by a pure delay of its latency. The chosen plan comes from
/// its parts (predictedMs), transfers (serializationMs, latencyMs; a plan without them: ms, all busy) and
/// returns (the outputs' way back on the downlink, after the last part); each baseline from its stagesMs,
/// transfersMs (arrival times: the link's latency split off when something crosses) and returnsMs, on the
/// devices of the chain in order. Parts without a model and stations of zero time are left out: they hold no request. The
/// baseline entry that is the chosen plan itself ("co-designed", same cuts and strategies as the totals) is
/// not repeated.
/// </summary>
public static class PlanFile
{
    public const string ChosenName = "co-designed";

    /// <summary>Reads DIR/plan.json, or the plan.json a folder holds.</summary>
    public static PlanFileContents Read(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, Emit.PlanJson.FileName);
        return Pipelines(PlanReader.Read(path).Document);
    }

    public static PlanFileContents Pipelines(PlanDocument plan)
    {
        var devices = plan.Devices.Select(d => d.Name).ToList();
        var stations = new List<Station>();
        foreach (var part in plan.Parts)
        {
            if (part.File is not null) Add(stations, $"part{part.Index}", part.Device, Seconds(part.PredictedMs));
            if (part.Index < plan.Transfers.Count)
            {
                var t = plan.Transfers[part.Index];
                Add(stations, $"link{part.Index}", $"{t.From}->{t.To}", t.SerializationMs is null ? Seconds(t.Ms) : Seconds(t.SerializationMs), Seconds(t.LatencyMs));
            }
        }
        foreach (var r in plan.Returns ?? [])
        {
            Add(stations, $"return{r.Link}", $"{r.From}->{r.To}", r.SerializationMs is null ? Seconds(r.Ms) : Seconds(r.SerializationMs), Seconds(r.LatencyMs));
        }
        var latency = plan.Link.LatencyMs ?? 0;
        var plans = new List<SimulatedPlan> { new(ChosenName, "the chosen plan (its parts and transfers)", stations) };

        string? note = null;
        foreach (var b in plan.Baselines)
        {
            if (b.Name == ChosenName && Same(b.Plan, plan.Totals)) continue;
            if (b.Plan.StagesMs is not { } stages || b.Plan.TransfersMs is not { } links)
            {
                note = "this plan.json lists no stagesMs/transfersMs for its baselines (an older compile wrote it): only the chosen plan is simulated";
                continue;
            }
            var s = new List<Station>();
            for (var j = 0; j < stages.Count; j++)
            {
                Add(s, $"part{j}", devices[j], stages[j] / 1e3);
                if (j < links.Count) Link(s, $"link{j}", $"{devices[j]}->{devices[j + 1]}", links[j], latency);
            }
            var returns = b.Plan.ReturnsMs ?? [];
            // The part holding the last unit produces the outputs; hop i takes them from device producer − i one back.
            var producer = b.Plan.Cuts.Select((c, j) => (c, j)).Where(x => x.c >= plan.Units - 1).Select(x => x.j).DefaultIfEmpty(devices.Count - 1).First();
            for (var i = 0; i < returns.Count && producer - i - 1 >= 0; i++)
            {
                Link(s, $"return{producer - i - 1}", $"{devices[producer - i]}->{devices[producer - i - 1]}", returns[i], latency);
            }
            plans.Add(new SimulatedPlan(b.Name, b.Description, s));
        }
        return new PlanFileContents(plan.Model, plans, note);
    }

    // PlanReader has checked every part's and transfer's time is a finite number ≥ 0.
    private static double Seconds(double? ms) => (ms ?? 0) / 1e3;

    private static void Add(List<Station> stations, string name, string resource, double seconds, double delay = 0)
    {
        if (seconds > 0 || delay > 0) stations.Add(new Station(name, resource, seconds, delay));
    }

    /// <summary>A link from its arrival time in ms: the latency is the delay, the rest the serialization.</summary>
    private static void Link(List<Station> stations, string name, string resource, double ms, double latencyMs)
    {
        if (ms <= 0) return;
        var delay = Math.Min(latencyMs, ms);
        Add(stations, name, resource, (ms - delay) / 1e3, delay / 1e3);
    }

    private static bool Same(ScoredPlan a, ScoredPlan b) => a.Cuts.SequenceEqual(b.Cuts) && a.Strategies == b.Strategies;
}
