namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>
/// One plan at one arrival rate. Throughput is completed requests over the time from the first arrival to the
/// last completion; response time is completion − arrival (waiting plus service at every station), its
/// percentiles by the nearest-rank rule (the smallest time at least p of the requests do not exceed).
/// Utilisation is the bottleneck's busy time over that same span. Offered load is rate × the bottleneck's
/// service time: at 1 or more the queue grows without bound and the figures depend on the request count.
/// </summary>
public sealed record RateResult(
    double Rate,
    double OfferedLoad,
    int Completed,
    double Throughput,
    double MeanSeconds,
    double P50Seconds,
    double P95Seconds,
    double P99Seconds,
    double BottleneckUtilisation)
{
    public bool Saturated => OfferedLoad >= 1;

    public static RateResult Of(SimulatedPlan plan, double rate, PipelineRun run)
    {
        var n = run.Arrivals.Length;
        var responses = new double[n];
        for (var i = 0; i < n; i++) responses[i] = run.Completions[i] - run.Arrivals[i];
        Array.Sort(responses);
        var span = n == 0 ? 0 : run.Completions.Max() - run.Arrivals[0];
        var bottleneck = plan.Bottleneck;
        var index = bottleneck is null ? -1 : IndexOf(plan.Stations, bottleneck);
        return new RateResult(
            rate,
            rate * (bottleneck?.ServiceSeconds ?? 0),
            n,
            span > 0 ? n / span : double.NaN,
            n == 0 ? double.NaN : responses.Average(),
            Percentile(responses, 0.50),
            Percentile(responses, 0.95),
            Percentile(responses, 0.99),
            index < 0 || span <= 0 ? 0 : run.BusySeconds[index] / span);
    }

    /// <summary>Nearest rank: the ⌈p·n⌉-th smallest value.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static int IndexOf(IReadOnlyList<Station> stations, Station s)
    {
        for (var i = 0; i < stations.Count; i++) if (ReferenceEquals(stations[i], s)) return i;
        return -1;
    }
}
