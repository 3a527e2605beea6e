using OnnxCoDesign.Compiler.Probing;

namespace OnnxCoDesign.Tests.Probing;

/// <summary>
/// A probe's profile is a function of its measurements alone (so measure can build it from rounds shared with the
/// parts): the reference probes' medians give the fp32 peak and the node overhead; how they were timed only adds a
/// clause to the sources.
/// </summary>
public sealed class ProbeProfileTests
{
    private static List<ProbeMeasurement> Measured(ProbeSet set, double gemmSeconds, double convSeconds)
    {
        var seconds = new[] { 1e-4, 1e-4 + HostProbe.ChainNodes * 5e-6, gemmSeconds, convSeconds, 4 * gemmSeconds, 2 * gemmSeconds };
        return set.Items.Take(ProbeSet.ReferenceCount).Select((p, i) => new ProbeMeasurement(p.Name, p.OpType, p.Flops, p.Bytes, seconds[i], seconds[i])).ToList();
    }

    [Fact]
    public void ThePlainProfileComesFromTheMeasurementsGiven()
    {
        var options = new ProbeOptions { Fit = false };
        var set = HostProbe.Probes(options);
        Assert.Equal(ProbeSet.ReferenceCount, set.Items.Count);
        var gemmFlops = 2.0 * 1024 * 1024 * 1024;
        Assert.Equal(gemmFlops, set.Items[2].Flops);

        var alone = HostProbe.Profile(options, set, Measured(set, gemmFlops / 1e11, 1.0), (4e10, 0.01));
        Assert.Equal(1e11, alone.Profile.PeakFp32, 6);
        Assert.Equal(5e-6, alone.Profile.KernelOverhead, 12);
        Assert.Equal(1e11, alone.Profile.PeakFp16); // fp16 and int8 slower than fp32: the fp32 peak stands
        Assert.Equal(4e10, alone.Profile.MemoryBandwidth);

        // The conv faster than the GEMM: the peak is the conv's rate.
        var convFlops = set.Items[3].Flops;
        var convFaster = HostProbe.Profile(options, set, Measured(set, gemmFlops / 1e11, convFlops / 2e11), (4e10, 0.01));
        Assert.Equal(2e11, convFaster.Profile.PeakFp32, 6);

        var alongside = HostProbe.Profile(options, set, Measured(set, gemmFlops / 1e11, 1.0), (4e10, 0.01), "timed beside the parts");
        Assert.Equal(alone.Profile.PeakFp32, alongside.Profile.PeakFp32);
        Assert.EndsWith("; time parts with `measure` at the same thread count", alongside.Profile.Sources[0]);
        Assert.Contains(", timed beside the parts;", alongside.Profile.Sources[0]);
        Assert.DoesNotContain("timed beside", alone.Profile.Sources[0]);
    }

    [Fact]
    public void ASingleOpProbesEfficiencyComesFromItsOwnTimeNotItsWholeRun()
    {
        var options = new ProbeOptions();
        var set = HostProbe.Probes(options);
        var reference = Measured(set, 2.0 * 1024 * 1024 * 1024 / 1e11, 1.0);
        // Every other probe's whole run 1 ms; the profiled node inside it 0.25 ms (a blocked MaxPool's run adds two reorders).
        var measurements = set.Items.Select((p, i) => i < ProbeSet.ReferenceCount ? reference[i]
            : new ProbeMeasurement(p.Name, p.OpType, p.Flops, p.Bytes, 1e-3, 1e-3) { NodeSeconds = p.ProfiledNode is null ? null : 0.25e-3 }).ToList();
        var profile = HostProbe.Profile(options, set, measurements, (4e10, 0.01)).Profile;
        var maxPool = set.Items.Single(p => p.OpType == "MaxPool");
        Assert.Equal(OperatorEfficiencyFit.Round(maxPool.Flops / (profile.PeakFp32 * 0.25e-3)), profile.OperatorEfficiency["MaxPool"]);
        var withoutProfiler = measurements.Select(m => m with { NodeSeconds = null }).ToList();
        var fromWholeRuns = HostProbe.Profile(options, set, withoutProfiler, (4e10, 0.01)).Profile;
        Assert.Equal(OperatorEfficiencyFit.Round(maxPool.Flops / (fromWholeRuns.PeakFp32 * (1e-3 - fromWholeRuns.KernelOverhead))), fromWholeRuns.OperatorEfficiency["MaxPool"], 12);
    }
}
