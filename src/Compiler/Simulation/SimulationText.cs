using System.Globalization;

namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>simulate's table: per plan, its stations and capacity, then one row per rate.</summary>
public static class SimulationText
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Write(PlanFileContents file, IReadOnlyList<PlanResults> results, int requests, ulong seed, TextWriter w)
    {
        w.WriteLine($"simulate {file.Model}: {requests} requests per rate, Poisson arrivals (SplitMix64 seed {seed}), FIFO stations with the predicted times");
        if (file.Note is not null) w.WriteLine($"note: {file.Note}");
        foreach (var r in results)
        {
            var p = r.Plan;
            w.WriteLine();
            var stations = p.Stations.Count == 0 ? "(no stations)" : string.Join(" | ", p.Stations.Select(s => string.Create(C, $"{s.Name} {s.ServiceSeconds * 1e3:0.###} ms")));
            w.WriteLine(string.Create(C, $"{p.Name}: {stations}; latency {p.Latency * 1e3:0.###} ms, bottleneck {p.Bottleneck?.Name ?? "-"}, capacity {p.Capacity:0.##}/s"));
            w.WriteLine($"  {"rate/s",9} {"load",6} {"thru/s",9} {"mean ms",11} {"p50 ms",11} {"p95 ms",11} {"p99 ms",11} {"util",6}");
            foreach (var x in r.Rates)
            {
                w.WriteLine(string.Create(C, $"  {x.Rate,9:0.###} {x.OfferedLoad,6:0.000} {x.Throughput,9:0.##} {x.MeanSeconds * 1e3,11:0.###} {x.P50Seconds * 1e3,11:0.###} {x.P95Seconds * 1e3,11:0.###} {x.P99Seconds * 1e3,11:0.###} {x.BottleneckUtilisation,6:0.000}{(x.Saturated ? "  saturated" : "")}"));
            }
        }
        if (results.SelectMany(r => r.Rates).Any(x => x.Saturated))
        {
            w.WriteLine();
            w.WriteLine("saturated: the rate is at or above the plan's capacity; its queue grows with every request, so response times depend on the request count");
        }
    }
}
