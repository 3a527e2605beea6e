using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>
/// Where measure's host profile comes from: a profile given (a probe's file, taken at another time), or this host
/// probed in the same interleaved rounds as the parts (<see cref="HostTiming"/>).
/// </summary>
public sealed record HostSource
{
    private HostSource(DeviceProfile? profile, ProbeOptions? probe) => (Profile, Probe) = (profile, probe);

    /// <summary>The profile given; null when the host is probed alongside the parts.</summary>
    public DeviceProfile? Profile { get; }

    /// <summary>What to probe alongside the parts (its timing is the parts' own); null when a profile is given.</summary>
    public ProbeOptions? Probe { get; }

    public static HostSource Given(DeviceProfile profile) => new(profile, null);

    public static HostSource ProbedAlongside(ProbeOptions? options = null) => new(null, options ?? new ProbeOptions());

    /// <summary>
    /// A profile to plan parts with before the host is measured: the one given, or a neutral stand-in. Extracting a part
    /// depends on the cut and the fusion strategy, not on the device; its predictions come from <see cref="HostTimed"/>.
    /// </summary>
    public DeviceProfile PlanningStandIn => Profile ?? new DeviceProfile
    {
        Name = Probe!.Name,
        DisplayName = "this host, before it is probed",
        PeakFp32 = 1e11,
        PeakFp16 = 1e11,
        MemoryBandwidth = 1e10,
    };
}

/// <summary>
/// Models timed on this host, with the host profile that predicts each: the one given, or the profile probed in
/// the same rounds as the model's batch (<see cref="Hosts"/>[<see cref="Batch"/>[i]]).
/// </summary>
public sealed record HostTimed(double[] Seconds, int[] Batch, IReadOnlyList<DeviceProfile> Hosts, IReadOnlyList<string> Warnings, bool Probed)
{
    public DeviceProfile HostOf(int model) => Hosts[Batch[model]];
}

/// <summary>
/// Times models for measure. With a profile given, as <see cref="TimedBatch.Seconds(IReadOnlyList{LoadedModel}, TimingOptions, Action{int, int}?)"/>. Otherwise the host probe's
/// models (<see cref="HostProbe.Probes"/>) run in the same interleaved rounds as every batch of parts, and each batch
/// is predicted from the profile its own rounds gave: a host whose speed moves (a shared or virtual machine, a
/// clock that drifts with heat) then moves the profile and the parts together, instead of setting a profile probed
/// minutes before against parts timed now. The DRAM copy (only in the plain profile and the sources) runs once, first.
/// </summary>
public static class HostTiming
{
    /// <param name="batchWeightBytes">Weights a batch of parts may hold at most (<see cref="TimedBatch.BatchWeightBytes"/>).</param>
    public static HostTimed Time(IReadOnlyList<LoadedModel> models, HostSource host, TimingOptions timing, Action<string, int, int>? progress = null,
        long? batchWeightBytes = null)
    {
        timing = timing.Validated();
        if (host.Profile is { } given)
        {
            var plain = TimedBatch.Times(models, timing, [], (done, total) => progress?.Invoke("measure: timing parts", done, total), batchWeightBytes);
            return new HostTimed(plain.Seconds, new int[models.Count], [given], [], false);
        }
        var options = host.Probe! with { Timing = timing };
        var set = HostProbe.Probes(options);
        progress?.Invoke("measure: probe's memory copy", 0, 1);
        var copy = HostProbe.Copy(options);
        // A probe's sessions per batch: a profiled conv's profile is read (and ended) when its batch is done.
        var batches = new List<List<ProbeMeasurement>>();
        ProbeSessions? open = null;
        TimedBatches timed;
        try
        {
            timed = TimedBatch.Times(models, timing,
                () => (open = new ProbeSessions(set, timing)).Sessions,
                times =>
                {
                    batches.Add(open!.Measurements(times));
                    open.Dispose();
                    open = null;
                },
                (done, total) => progress?.Invoke("measure: timing parts and probe", done, total), batchWeightBytes);
            if (batches.Count == 0)
            {
                using var alone = new ProbeSessions(set, timing);
                batches.Add(alone.Measurements(TimedBatch.Rounds(alone.Sessions, timing)));
            }
        }
        finally
        {
            open?.Dispose();
        }
        var results = batches.Select((measurements, b) => HostProbe.Profile(options, set, measurements, copy, batches.Count == 1
            ? "timed in the same interleaved rounds as the parts `measure` timed"
            : $"timed in the same interleaved rounds as batch {b + 1} of the {batches.Count} batches of parts `measure` timed")).ToList();
        return new HostTimed(timed.Seconds, timed.Batch, results.Select(r => r.Profile).ToList(), results.SelectMany(r => r.Warnings).Distinct().ToList(), true);
    }
}
