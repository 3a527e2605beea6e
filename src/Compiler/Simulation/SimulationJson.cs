using OnnxCoDesign.Compiler.Schema;

namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>simulate --json (<see cref="SimulationDocument"/>): the same figures as the table, times in milliseconds, reals rounded like plan.json.</summary>
public static class SimulationJson
{
    public static string Write(PlanFileContents file, IReadOnlyList<PlanResults> results, IReadOnlyList<double> rates, int requests, ulong seed) => CodesignJson.Write(new SimulationDocument
    {
        Model = file.Model,
        Requests = requests,
        Seed = seed,
        Arrivals = "poisson: exponential inter-arrival times -ln(1-U)/rate, U from SplitMix64(seed), the same stream for every plan",
        Rates = rates,
        Note = file.Note,
        Plans = results.Select(r => new SimulatedPlanResult
        {
            Name = r.Plan.Name,
            Description = r.Plan.Description,
            Stations = r.Plan.Stations.Select(s => new SimulatedStation { Name = s.Name, Resource = s.Resource, Ms = CodesignJson.Real(s.ServiceSeconds * 1e3) }).ToList(),
            Bottleneck = r.Plan.Bottleneck?.Name,
            LatencyMs = CodesignJson.Real(r.Plan.Latency * 1e3),
            CapacityPerSecond = CodesignJson.Real(r.Plan.Capacity),
            Results = r.Rates.Select(x => new SimulatedRate
            {
                Rate = x.Rate,
                OfferedLoad = CodesignJson.Real(x.OfferedLoad),
                Saturated = x.Saturated,
                Completed = x.Completed,
                ThroughputPerSecond = CodesignJson.Real(x.Throughput),
                MeanMs = CodesignJson.Real(x.MeanSeconds * 1e3),
                P50Ms = CodesignJson.Real(x.P50Seconds * 1e3),
                P95Ms = CodesignJson.Real(x.P95Seconds * 1e3),
                P99Ms = CodesignJson.Real(x.P99Seconds * 1e3),
                BottleneckUtilisation = CodesignJson.Real(x.BottleneckUtilisation),
            }).ToList(),
        }).ToList(),
    }, CodesignJsonWriter.Default.SimulationDocument);
}
