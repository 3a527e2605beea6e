using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>Equal L → lower latency → lower period → fewer kept branches → earlier cut.</summary>
public sealed class TieBreakTests
{
    /// <summary>Two units, the first a block; a slow link makes every split plan link-bound.</summary>
    private static PlanningProblem LinkBound(Objective objective)
    {
        var p = LinkModelTests.Chain([0, 1], 2, [1_000_000, 500_000, 1_000], new LinkProfile(8e6, 0), objective);
        // Unit 0 is a block: S1 fastest (1 ms), S4 slowest (3 ms) on d0; the link (500 ms) bounds the period.
        var isBlock = new[] { true, false };
        for (var s = 0; s < 4; s++) p.UnitSeconds[0][s][0] = 0.001 + 0.0005 * s;
        return new PlanningProblem
        {
            UnitNames = p.UnitNames, IsBlock = isBlock, UnitSeconds = p.UnitSeconds, UnitFlops = p.UnitFlops, UnitPaperBytes = p.UnitPaperBytes,
            BaseFlops = p.BaseFlops, BoundaryBytes = p.BoundaryBytes, Devices = p.Devices, Precision = p.Precision, Link = p.Link, Objective = objective,
        };
    }

    [Fact]
    public void AtLambdaZeroWithALinkBoundPeriodS1AtTheSameCutWins()
    {
        var costs = new StageCosts(LinkBound(Objective.Throughput));
        var result = PlanSearch.Run(costs);
        Assert.Equal([0], result.Chosen.Choice.Cuts);
        Assert.Equal(FusionStrategy.S1, result.Chosen.Choice.Strategy(0));
        // S4 at the same cut has the same period but a higher latency: it loses the tie.
        var s4 = PlanScore.Of(costs, new PlanChoice([0], [FusionStrategy.S4, FusionStrategy.S1]));
        Assert.Equal(s4.Period, result.Chosen.Score.Period);
        Assert.True(s4.Latency > result.Chosen.Score.Latency);
    }

    [Fact]
    public void WithLambdaTheAccuracyStillDecides()
    {
        var problem = LinkBound(Objective.Throughput);
        var costs = new StageCosts(new PlanningProblem
        {
            UnitNames = problem.UnitNames, IsBlock = problem.IsBlock, UnitSeconds = problem.UnitSeconds, UnitFlops = problem.UnitFlops, UnitPaperBytes = problem.UnitPaperBytes,
            BaseFlops = problem.BaseFlops, BoundaryBytes = problem.BoundaryBytes, Devices = problem.Devices, Precision = problem.Precision, Link = problem.Link,
            Objective = Objective.Throughput, Lambda = 1,
        });
        Assert.Equal(FusionStrategy.S4, PlanSearch.Run(costs).Chosen.Choice.Strategy(0));
    }

    private static PlanScore Score(double latency, double period, int branches) =>
        new(latency, period, 0, [], []) { KeptBranches = branches };

    private static PlanChoice Cut(int c) => new([c], [FusionStrategy.S1, FusionStrategy.S1]);

    [Fact]
    public void EachLevelDecidesOnlyWhenTheOnesBeforeTie()
    {
        (PlanScore, PlanChoice) Best(params (PlanScore, PlanChoice)[] plans) => TieBreak.Best(plans, x => x.Item1, x => x.Item2, Objective.Throughput, 0);

        // L (the period here) first.
        Assert.Equal(2, Best((Score(9, 2, 0), Cut(1)), (Score(1, 3, 0), Cut(0))).Item1.Period);
        // Equal L: lower latency.
        Assert.Equal(1, Best((Score(2, 1, 0), Cut(0)), (Score(1, 1, 2), Cut(1))).Item1.Latency);
        // Equal L and latency (throughput objective: L is the period): fewer kept branches.
        Assert.Equal(0, Best((Score(2, 1, 2), Cut(0)), (Score(2, 1, 0), Cut(1))).Item1.KeptBranches);
        // All equal: the earlier cut.
        Assert.Equal([0], Best((Score(2, 1, 1), Cut(3)), (Score(2, 1, 1), Cut(0))).Item2.Cuts);
        // Under the latency objective, equal L (latency): the lower period.
        var latency = TieBreak.Best([(Score(2, 1.5, 0), Cut(0)), (Score(2, 1, 2), Cut(1))], x => x.Item1, x => x.Item2, Objective.Latency, 0);
        Assert.Equal(1, latency.Item1.Period);
    }

    [Fact]
    public void FloatingNoiseDoesNotDecide()
    {
        // 1e-16 apart in L is a tie: the lower latency decides, not the noise.
        var plans = new[] { (Score(2, 0.1 + 0.2, 0), Cut(0)), (Score(1, 0.3, 0), Cut(1)) };
        Assert.NotEqual(plans[0].Item1.Period, plans[1].Item1.Period);
        Assert.Equal(1, TieBreak.Best(plans, x => x.Item1, x => x.Item2, Objective.Throughput, 0).Item1.Latency);
        // A real difference still decides.
        Assert.False(TieBreak.Same(0.3, 0.3 + 1e-9));
    }
}
