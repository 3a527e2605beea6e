using System.Globalization;
using OnnxCoDesign.Compiler.Emit.Svg;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>
/// The chosen plan in one sentence of words, the first thing the report says (plain text; the page encodes it):
/// <code>
/// Cut after body.7: 31% of the FLOPs on the jetson-nano and 69% on the jetson-xavier-nx, 50 kB int8 per frame on
/// the link (4 ms at 100 Mbps), 2.1 ms on the jetson-nano and 3.4 ms on the jetson-xavier-nx; 142 frames/s, 9.5 ms latency.
/// </code>
/// FLOPs share of part j = <see cref="StageCosts.Share"/>(First(j), Last(j)) (the unfused model's FLOPs, the seed's
/// Fig. 8 axis). Each link with bytes on it gets a clause: its bytes per frame, format (the wire format, or the
/// tensors' own type where nothing is converted), serialization at the uplink rate and the latency on top; a device
/// with no model between two links is named as a relay; results sent back upstream get a clause on the downlink.
/// A plan with one computing part says "Everything on X".
/// </summary>
public static class PlanSentence
{
    public const string Id = "plan-sentence";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Of(CompileOutcome o)
    {
        var plan = o.Plan;
        var choice = o.Search.Chosen.Choice;
        var score = o.Search.Chosen.Score;
        var units = o.Costs.Problem.Units;
        var computing = plan.Parts.Where(p => p.Model is not null).ToList();
        var clauses = new List<string>();

        var cuts = choice.Cuts.Where(o.Costs.Interior).Distinct().Select(c => ReportHtml.After(o, c)).ToList();
        string head;
        if (computing.Count <= 1 || cuts.Count == 0)
        {
            head = computing.Count == 0 ? "Nothing to compute" : $"Everything on the {computing[0].Device.Name}";
        }
        else
        {
            var shares = computing.Select((p, i) => $"{Percent(o.Costs.Share(choice.First(p.Index), choice.Last(p.Index, units)))}%{(i == 0 ? " of the FLOPs" : "")} on the {p.Device.Name}");
            head = $"Cut{(cuts.Count > 1 ? "s" : "")} after {And(cuts)}: {And(shares)}";
        }

        foreach (var t in plan.Transfers.Where(t => t.Bytes > 0))
        {
            var what = $"{Kb(t.Bytes)} kB {Format(t)}";
            var timing = Timing(t.SerializationSeconds, t.LatencySeconds, o.Settings.Link.BitsPerSecond);
            var boundary = choice.Cuts[t.Link];
            if (PartRoles.Of(o, t.Link) == PartRole.Relay) clauses.Add($"the {t.From} relays {what} to the {t.To} ({timing})");
            else if (!o.Costs.Interior(boundary)) clauses.Add($"the {(boundary < 0 ? "input" : "results")} ({what}) from the {t.From} to the {t.To} ({timing})");
            else if (plan.Transfers.Count == 1) clauses.Add($"{what} per frame on the link ({timing})");
            else clauses.Add($"{what} per frame from the {t.From} to the {t.To} ({timing})");
        }
        foreach (var r in plan.Returns.Where(r => r.Bytes > 0))
        {
            clauses.Add($"the results ({Kb(r.Bytes)} kB) back from the {r.From} to the {r.To} ({Timing(r.SerializationSeconds, r.LatencySeconds, o.Settings.Link.DownBitsPerSecond)})");
        }
        if (computing.Count > 0) clauses.Add(And(computing.Select(p => $"{Ms(p.PredictedSeconds)} ms on the {p.Device.Name}")));

        var totals = string.Create(C, $"{score.Throughput:0.#} frames/s, {Ms(score.Latency)} ms latency");
        return clauses.Count == 0 ? $"{head}; {totals}." : $"{head}, {string.Join(", ", clauses)}; {totals}.";
    }

    /// <summary>What a transfer's tensors travel as: the wire format where they are converted, else their own types (fp32, uint8 for a camera frame).</summary>
    public static string Format(PlannedTransfer t)
    {
        if (t.Wire.Lossy()) return t.Wire.Name();
        var types = t.Tensors.Select(x => x.Type switch { "float" => "fp32", "float16" => "fp16", var other => other }).Distinct().ToList();
        return types.Count == 0 ? t.Wire.Name() : string.Join("/", types);
    }

    /// <summary>A percentage: whole numbers from 10 to 99, one decimal outside (0.4%, 99.9%: a sliver is not rounded away).</summary>
    public static string Percent(double share)
    {
        var p = share * 100;
        return p.ToString(p >= 9.95 && p < 99.5 ? "0" : "0.#", C);
    }

    public static string Kb(long bytes) => (bytes / 1e3).ToString("0.#", C);

    /// <summary>Seconds as milliseconds: three significant figures or so (0.41, 9.81, 22.8, 131).</summary>
    public static string Ms(double seconds)
    {
        var ms = seconds * 1e3;
        return ms.ToString(ms >= 99.95 ? "0" : ms >= 9.995 ? "0.#" : "0.##", C);
    }

    private static string Timing(double serialization, double latency, double bitsPerSecond) =>
        $"{Ms(serialization)} ms at {Axis.Si(bitsPerSecond, "bps")}" + (latency > 0 ? $" + {Ms(latency)} ms latency" : "");

    private static string And(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Join("", list) : $"{string.Join(", ", list.Take(list.Count - 1))} and {list[^1]}";
    }
}
