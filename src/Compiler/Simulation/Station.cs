namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>
/// One server of the pipeline: a part on its device or a transfer on its link, serving one request at a time
/// in arrival order (FIFO), each for the same <see cref="ServiceSeconds"/> (the plan's predicted time; for a
/// link, its serialization). <see cref="DelaySeconds"/> is a pure delay after service (a link's latency):
/// every request waits through it at once, none queues for it, so it adds to the response time and not to
/// the station's busy time.
/// </summary>
/// <param name="Name">part0, link0, return0, …</param>
/// <param name="Resource">The device or the link (from → to) it occupies.</param>
public sealed record Station(string Name, string Resource, double ServiceSeconds, double DelaySeconds = 0);

/// <summary>A plan as a pipeline of stations in request order (parts and links interleaved, zero-time ones left out).</summary>
public sealed record SimulatedPlan(string Name, string Description, IReadOnlyList<Station> Stations)
{
    /// <summary>The slowest station: it alone limits throughput, to 1 / its service time.</summary>
    public Station? Bottleneck => Stations.Count == 0 ? null : Stations.MaxBy(s => s.ServiceSeconds);

    /// <summary>Requests per second the pipeline can sustain: 1 / the slowest station's time.</summary>
    public double Capacity => Bottleneck is { ServiceSeconds: > 0 } b ? 1 / b.ServiceSeconds : double.PositiveInfinity;

    /// <summary>A request's time through an empty pipeline: the sum of the stations' times and delays.</summary>
    public double Latency => Stations.Sum(s => s.ServiceSeconds + s.DelaySeconds);
}
