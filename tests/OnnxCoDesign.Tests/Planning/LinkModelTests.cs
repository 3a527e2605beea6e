using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>
/// The pipelined link model: a link is busy (a stage of the period) for its serialization alone, its latency
/// adds to the response time; separate up- and downlink; results consumed upstream pay the way back.
/// </summary>
public sealed class LinkModelTests
{
    /// <summary>
    /// A chain of plain units (no blocks) over two or three devices: each unit costs <paramref name="cheap"/>
    /// seconds on the device listed for it and 1 s elsewhere, so the plan follows that placement.
    /// </summary>
    internal static PlanningProblem Chain(int[] home, int devices, long[] boundaryBytes, LinkProfile link, Objective objective, int? results = null, double cheap = 0.001)
    {
        var units = home.Length;
        var seconds = Enumerable.Range(0, devices).Select(d =>
            Enumerable.Range(0, 4).Select(_ => home.Select(h => h == d ? cheap : 1.0).ToArray()).ToArray()).ToArray();
        var flops = Enumerable.Range(0, 4).Select(_ => home.Select(_ => 1e9).ToArray()).ToArray();
        return new PlanningProblem
        {
            UnitNames = Enumerable.Range(0, units).Select(i => $"u{i}").ToList(),
            IsBlock = new bool[units],
            UnitSeconds = seconds,
            UnitFlops = flops,
            UnitPaperBytes = flops,
            BaseFlops = flops[0],
            BoundaryBytes = boundaryBytes,
            Devices = Enumerable.Range(0, devices).Select(d => SyntheticProblems.Device($"d{d}", 1e12, 1e11)).ToList(),
            Precision = Precision.Fp16,
            Link = link,
            Objective = objective,
            ResultsDevice = results,
        };
    }

    [Fact]
    public void TheIssuesFigure131kBAt107Mbps13msIsLimitedBySerializationAloneAndPaysTheLatencyOnce()
    {
        // Unit 0 belongs on d0, unit 1 on d1: 131 kB cross the cut after unit 0; the outputs stay on d1.
        var costs = new StageCosts(Chain([0, 1], 2, [602_112, 131_000, 4_000], LinkSpec.Parse("107.4Mbps,13ms"), Objective.Throughput));
        var best = ParetoPlanner.Best(ParetoPlanner.Candidates(costs), Objective.Throughput, 0);

        Assert.Equal([0], best.Choice.Cuts);
        var serialization = 131_000 * 8 / 107.4e6; // 9.758 ms
        Assert.Equal(serialization, best.Score.Period, 12);
        Assert.InRange(best.Score.Throughput, 102, 103);                     // not 1 / 22.76 ms = 43.9/s
        Assert.Equal(0.001 + serialization + 0.013 + 0.001, best.Score.Latency, 12);
        Assert.Equal([serialization], best.Score.TransferBusySeconds);
        Assert.Equal([serialization + 0.013], best.Score.TransferSeconds);
    }

    [Fact]
    public void LatencyStillDecidesTheLatencyObjective()
    {
        // Two cuts that cost the same serialization; the latency adds to both, so the objective sees it.
        var link = new LinkProfile(8e6, 0.010);
        var costs = new StageCosts(Chain([0, 1], 2, [1_000_000, 10_000, 1_000], link, Objective.Latency));
        var best = ParetoPlanner.Best(ParetoPlanner.Front(costs), Objective.Latency, 0);
        Assert.Equal([0], best.Choice.Cuts);
        Assert.Equal(0.001 + 0.010 + 0.010 + 0.001, best.Score.Latency, 12);
        Assert.Equal(0.010, best.Score.Period, 12);
    }

    [Fact]
    public void AResultsDeviceUpstreamPaysTheWayBackOnTheDownlink()
    {
        // 3 devices, results on d0; the outputs (40 kB) go back from wherever the last unit runs.
        var link = new LinkProfile(80e6, 0.005, 8e6); // up 80 Mbps, down 8 Mbps
        var costs = new StageCosts(Chain([0, 1, 2], 3, [1_000, 20_000, 20_000, 40_000], link, Objective.Latency, results: 0));
        var plan = new PlanChoice([0, 1], [FusionStrategy.S1, FusionStrategy.S1, FusionStrategy.S1]);
        var score = PlanScore.Of(costs, plan);

        var up = 20_000 * 8 / 80e6;
        var down = 40_000 * 8 / 8e6; // 40 ms per hop
        Assert.Equal([down + 0.005, down + 0.005], score.ReturnSeconds);
        Assert.Equal([down, down], score.ReturnBusySeconds);
        Assert.Equal(0.003 + 2 * (up + 0.005) + 2 * (down + 0.005), score.Latency, 12);
        Assert.Equal(down, score.Period, 12);

        // Everything on d0: no transfer at all, not even the outputs forward (they are consumed there).
        var home = PlanScore.Of(costs, new PlanChoice([2, 2], [FusionStrategy.S1, FusionStrategy.S1, FusionStrategy.S1]));
        Assert.Equal([0.0, 0.0], home.TransferSeconds);
        Assert.Empty(home.ReturnSeconds);
        Assert.Equal(1.0 + 1.0 + 0.001, home.Latency, 12);
    }

    [Fact]
    public void TheWayBackChangesWhichCutWins()
    {
        // Unit 1 is a little cheaper on d1, but its outputs are large and the downlink slow: with results on
        // the last device the plan ships unit 1 to d1; with results on d0 it keeps everything home.
        var link = new LinkProfile(100e6, 0.002, 10e6);
        long[] bytes = [600_000, 10_000, 500_000];
        PlanningProblem Problem(int? results)
        {
            var p = Chain([0, 1], 2, bytes, link, Objective.Latency, results);
            p.UnitSeconds[0][0][1] = 0.300; // unit 1 on d0: 300 ms; on d1: 1 ms
            return p;
        }
        var last = new StageCosts(Problem(null));
        var first = new StageCosts(Problem(0));

        Assert.Equal([0], ParetoPlanner.Best(ParetoPlanner.Candidates(last), Objective.Latency, 0).Choice.Cuts);
        var home = ParetoPlanner.Best(ParetoPlanner.Candidates(first), Objective.Latency, 0);
        Assert.Equal([1], home.Choice.Cuts);
        Assert.Equal(0.301, home.Score.Latency, 12);
        // The plan that would have won pays 500 kB back at 10 Mbps: 400 ms + 2 ms more.
        var split = PlanScore.Of(first, new PlanChoice([0], [FusionStrategy.S1, FusionStrategy.S1]));
        Assert.Equal(0.001 + (10_000 * 8 / 100e6 + 0.002) + 0.001 + (0.4 + 0.002), split.Latency, 12);
    }

    [Theory]
    [InlineData(Objective.Latency, 0)]
    [InlineData(Objective.Throughput, 0)]
    [InlineData(Objective.Latency, 2)]
    [InlineData(Objective.Throughput, 1)]
    public void ThePlannerWithAWayBackEqualsTheReferencePlanner(Objective objective, int results)
    {
        foreach (var seed in new[] { 11, 12, 13 })
        {
            var random = SyntheticProblems.Random(seed, 8, 3, objective, 0.001);
            var problem = new PlanningProblem
            {
                UnitNames = random.UnitNames, IsBlock = random.IsBlock, UnitSeconds = random.UnitSeconds, UnitFlops = random.UnitFlops,
                UnitPaperBytes = random.UnitPaperBytes, BaseFlops = random.BaseFlops, BoundaryBytes = random.BoundaryBytes,
                Devices = random.Devices, Precision = random.Precision, Objective = objective, Lambda = random.Lambda,
                Link = new LinkProfile(100e6, 0.002, 20e6), ResultsDevice = results,
            };
            var costs = new StageCosts(problem);
            var figures = (IEnumerable<ParetoPoint> f) => f.Select(p => (p.Choice.ToString(), p.Score.Latency, p.Score.Period, p.Score.Accuracy)).ToList();
            var front = ParetoPlanner.Front(costs);
            Assert.NotEmpty(front);
            Assert.Equal(figures(ReferencePlanner.Front(costs)), figures(front));
            // The DP's own time is the score's: the way back is in both.
            Assert.All(front, p => Assert.Equal(p.Score.Time(objective), p.SearchTime, 12));
        }
    }
}
