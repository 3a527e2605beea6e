using OnnxCoDesign.Compiler.Reports;

namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>simulate --json: the same figures as the table, times in milliseconds, reals rounded like plan.json.</summary>
public static class SimulationJson
{
    public static string Write(PlanFileContents file, IReadOnlyList<PlanResults> results, IReadOnlyList<double> rates, int requests, ulong seed) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("model", file.Model);
        w.WriteNumber("requests", requests);
        w.WriteNumber("seed", seed);
        w.WriteString("arrivals", "poisson: exponential inter-arrival times -ln(1-U)/rate, U from SplitMix64(seed), the same stream for every plan");
        w.WriteStartArray("rates");
        foreach (var r in rates) w.WriteNumberValue(r);
        w.WriteEndArray();
        if (file.Note is null) w.WriteNull("note");
        else w.WriteString("note", file.Note);
        w.WriteStartArray("plans");
        foreach (var r in results)
        {
            var p = r.Plan;
            w.WriteStartObject();
            w.WriteString("name", p.Name);
            w.WriteString("description", p.Description);
            w.WriteStartArray("stations");
            foreach (var s in p.Stations)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                w.WriteString("resource", s.Resource);
                w.Real("ms", s.ServiceSeconds * 1e3);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (p.Bottleneck is null) w.WriteNull("bottleneck");
            else w.WriteString("bottleneck", p.Bottleneck.Name);
            w.Real("latencyMs", p.Latency * 1e3);
            w.Real("capacityPerSecond", p.Capacity);
            w.WriteStartArray("results");
            foreach (var x in r.Rates)
            {
                w.WriteStartObject();
                w.WriteNumber("rate", x.Rate);
                w.Real("offeredLoad", x.OfferedLoad);
                w.WriteBoolean("saturated", x.Saturated);
                w.WriteNumber("completed", x.Completed);
                w.Real("throughputPerSecond", x.Throughput);
                w.Real("meanMs", x.MeanSeconds * 1e3);
                w.Real("p50Ms", x.P50Seconds * 1e3);
                w.Real("p95Ms", x.P95Seconds * 1e3);
                w.Real("p99Ms", x.P99Seconds * 1e3);
                w.Real("bottleneckUtilisation", x.BottleneckUtilisation);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
