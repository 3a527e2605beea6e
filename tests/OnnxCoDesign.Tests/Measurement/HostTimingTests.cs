using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Measurement;

/// <summary>
/// measure's host: a profile given is used as it is; otherwise the probe's models run in the same rounds as each
/// batch of parts and each batch gets the profile of its own rounds. Small conv models, the plain probe (no fits), one
/// thread, two runs; no timing's value is asserted, only what was timed with what.
/// </summary>
public sealed class HostTimingTests
{
    private static readonly TimingOptions Quick = new(Runs: 2, Warmup: 0, Threads: 1);

    private static readonly HostSource Probe = HostSource.ProbedAlongside(new ProbeOptions { Fit = false, CopyBytes = 1 << 20 });

    /// <summary>Three convs with 16·16·3·3 fp32 weights and a bias each.</summary>
    private static List<LoadedModel> Models() =>
        Enumerable.Range(0, 3).Select(_ => LoadedModel.InMemory(ProbeModels.Conv(16, 8, new ConvSpec(16, 3)))).ToList();

    private static readonly long Weights = TimedBatch.WeightBytes(ProbeModels.Conv(16, 8, new ConvSpec(16, 3)));

    /// <summary>Two of those convs per batch.</summary>
    private static readonly long TwoPerBatch = 2 * Weights;

    [Fact]
    public void ProbedAlongsideEachBatchIsPredictedByTheProfileOfItsOwnRounds()
    {
        var models = Models();
        var timed = HostTiming.Time(models, Probe, Quick, batchWeightBytes: TwoPerBatch);

        Assert.True(timed.Probed);
        Assert.Equal([0, 0, 1], timed.Batch);
        Assert.Equal(2, timed.Hosts.Count);
        Assert.NotSame(timed.Hosts[0], timed.Hosts[1]);
        for (var b = 0; b < 2; b++)
        {
            Assert.Contains($"timed in the same interleaved rounds as batch {b + 1} of the 2 batches of parts", timed.Hosts[b].Sources[0]);
            Assert.True(timed.Hosts[b].PeakFp32 > 0 && timed.Hosts[b].KernelOverhead >= 0);
        }
        Assert.Same(timed.Hosts[1], timed.HostOf(2));
        Assert.All(timed.Seconds, m => Assert.True(m > 0));
        foreach (var m in models) m.Dispose();
    }

    [Fact]
    public void AGivenProfileIsUsedAsItIsWithoutAProbe()
    {
        var models = Models();
        var given = DeviceCatalog.Resolve("jetson-nano");
        var timed = HostTiming.Time(models, HostSource.Given(given), Quick, batchWeightBytes: TwoPerBatch);

        Assert.False(timed.Probed);
        Assert.Same(given, Assert.Single(timed.Hosts));
        Assert.Equal([0, 0, 0], timed.Batch); // two batches were timed, one profile predicts both
        Assert.Empty(timed.Warnings);
        Assert.All(timed.Seconds, m => Assert.True(m > 0));
        foreach (var m in models) m.Dispose();
    }

    [Fact]
    public void WithNothingToTimeTheProbeStillRunsAndGivesOneProfile()
    {
        var timed = HostTiming.Time([], Probe, Quick);
        Assert.True(timed.Probed);
        Assert.Contains("timed in the same interleaved rounds as the parts", Assert.Single(timed.Hosts).Sources[0]);
        Assert.Empty(timed.Seconds);
    }

    [Fact]
    public void SessionsAlongsideAreTimedInEveryBatchsRounds()
    {
        var models = Models();
        using var extra = new TimedSession(LoadedModel.InMemory(ProbeModels.AddChain(3)), Quick);
        var timed = TimedBatch.Times(models, Quick, [extra, extra], batchWeightBytes: Weights);

        Assert.Equal([0, 1, 2], timed.Batch); // one conv per batch
        Assert.Equal(3, timed.Batches);
        Assert.All(timed.Alongside, batch =>
        {
            Assert.Equal(2, batch.Length);
            Assert.All(batch, runs => Assert.Equal(Quick.Runs, runs.Count(t => t > 0)));
        });
        Assert.All(timed.Seconds, m => Assert.True(m > 0));
        foreach (var m in models) m.Dispose();
    }
}
