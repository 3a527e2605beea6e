using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>
/// The planner is polynomial in the devices and gives exactly what the exponential planner it replaced gave
/// (<see cref="ReferencePlanner"/>): the same front (plans, figures and order, ties included), the same
/// baselines' fronts and the same sweep; and on a 1,000-unit chain over 9 devices it finds the optimum that
/// a plain min-plus recursion over the cuts finds.
/// </summary>
public sealed class ManyDevicesPlannerTests
{
    public static TheoryData<bool, int, int, int, Objective, double> Cases()
    {
        var data = new TheoryData<bool, int, int, int, Objective, double>();
        foreach (var tied in new[] { false, true })
        {
            foreach (var objective in new[] { Objective.Latency, Objective.Throughput })
            {
                data.Add(tied, 1, 9, 2, objective, 0.001);
                data.Add(tied, 2, 12, 4, objective, 0.0);
                data.Add(tied, 3, 10, 6, objective, 0.5);
                data.Add(tied, 4, 14, 9, objective, 0.002);
                data.Add(tied, 5, 6, 9, objective, 1.0);
            }
        }
        return data;
    }

    private static PlanningProblem Problem(bool tied, int seed, int units, int devices, Objective objective, double lambda) =>
        tied ? SyntheticProblems.Tied(seed, units, devices, objective, lambda) : SyntheticProblems.Random(seed, units, devices, objective, lambda);

    private static List<(string Choice, double Latency, double Period, double Accuracy, double SearchTime)> Figures(IEnumerable<ParetoPoint> front) =>
        front.Select(p => (p.Choice.ToString(), p.Score.Latency, p.Score.Period, p.Score.Accuracy, p.SearchTime)).ToList();

    [Theory]
    [MemberData(nameof(Cases))]
    public void FrontEqualsTheReferencePlanner(bool tied, int seed, int units, int devices, Objective objective, double lambda)
    {
        var costs = new StageCosts(Problem(tied, seed, units, devices, objective, lambda));
        var front = ParetoPlanner.Front(costs);
        Assert.True(front.Count > 0);
        Assert.Equal(Figures(ReferencePlanner.Front(costs)), Figures(front));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BaselineFrontsEqualTheReferencePlanner(bool tied, int seed, int units, int devices, Objective objective, double lambda)
    {
        var costs = new StageCosts(Problem(tied, seed, units, devices, objective, lambda));
        // As PlanSearch runs them: S1 only (the roofline cut), and S1 timed by FLOPs alone.
        Func<int, FusionStrategy, int, int, double> flopsOnly = (d, s, a, b) => costs.Flops(s, a, b) / 1e9 / (d + 1);
        Assert.Equal(Figures(ReferencePlanner.Front(costs, [FusionStrategy.S1])), Figures(ParetoPlanner.Front(costs, [FusionStrategy.S1])));
        Assert.Equal(Figures(ReferencePlanner.Front(costs, [FusionStrategy.S1], flopsOnly)), Figures(ParetoPlanner.Front(costs, [FusionStrategy.S1], flopsOnly)));
    }

    [Theory]
    [InlineData(2, Objective.Latency)]
    [InlineData(5, Objective.Throughput)]
    [InlineData(6, Objective.Latency)]
    public void SweepEqualsScoringEveryStrategyVector(int devices, Objective objective)
    {
        foreach (var tied in new[] { false, true })
        {
            var costs = new StageCosts(Problem(tied, 7, 8, devices, objective, 0.001));
            var sweep = PlanSearch.Run(costs).Sweep;
            var reference = ReferencePlanner.Sweep(costs);
            Assert.Equal(reference.Count, sweep.Count);
            Assert.Equal(
                reference.Select(r => (r.Static.Latency, r.Static.Period, r.BestChoice.ToString(), r.Best.Latency, r.Best.Period, r.Best.Accuracy)),
                sweep.Select(s => (s.Static.Latency, s.Static.Period, s.BestChoice.ToString(), s.Best.Latency, s.Best.Period, s.Best.Accuracy)));
        }
    }

    [Fact]
    public void AnAccuracyCostThatIsNotANumberGivesTheReferenceFront()
    {
        // A measured accuracy cost can be NaN (a strategy whose outputs are not finite); NaN sorts first.
        var problem = SyntheticProblems.Random(8, 10, 4, Objective.Latency, 0.01);
        var costs = new StageCosts(new PlanningProblem
        {
            UnitNames = problem.UnitNames, IsBlock = problem.IsBlock, UnitSeconds = problem.UnitSeconds, UnitFlops = problem.UnitFlops,
            UnitPaperBytes = problem.UnitPaperBytes, BaseFlops = problem.BaseFlops, BoundaryBytes = problem.BoundaryBytes,
            Devices = problem.Devices, Precision = problem.Precision, Link = problem.Link, Objective = problem.Objective,
            Lambda = problem.Lambda, StrategyAccuracyCost = [2, double.NaN, 1, 0],
        });
        Assert.Equal(Figures(ReferencePlanner.Front(costs)), Figures(ParetoPlanner.Front(costs)));
    }

    [Fact]
    public void NineDevicesOverA1000UnitChainFindTheLeastLatency()
    {
        const int units = 1000, devices = 9;
        var costs = new StageCosts(SyntheticProblems.Random(11, units, devices, Objective.Latency, 0, blockShare: 0));

        var result = PlanSearch.Run(costs);

        // Without blocks the accuracy cost is 0 and the front is the one fastest plan.
        var best = Assert.Single(result.Front);
        var least = LeastLatency(costs);
        // The search adds in the recursion's order (exact); the score re-adds stages then transfers.
        Assert.Equal(least, best.SearchTime);
        Assert.Equal(least, best.Score.Latency, least * 1e-12);
        Assert.Equal(best.Choice.ToString(), result.Chosen.Choice.ToString());
        Assert.Equal(devices, best.Choice.Parts);
        Assert.Equal(units + 1, result.Sweep.Count);
        Assert.All(result.Baselines, b => Assert.True(b.Score.Latency >= best.Score.Latency));
    }

    /// <summary>
    /// The least latency over every cut vector, by the textbook recursion: T_j(end) = min over b ≤ end of
    /// T_{j−1}(b) + transfer(b) + stage_j(b+1..end), S1 everywhere (no unit is a block).
    /// </summary>
    private static double LeastLatency(StageCosts costs)
    {
        var n = costs.Problem.Units;
        var k = costs.Problem.Devices.Count;
        var time = Enumerable.Range(-1, n + 1).Select(b => costs.Stage(0, FusionStrategy.S1, 0, b)).ToArray();
        for (var j = 1; j < k; j++)
        {
            var next = new double[n + 1];
            for (var end = -1; end < n; end++)
            {
                next[end + 1] = double.PositiveInfinity;
                for (var b = -1; b <= end; b++) next[end + 1] = Math.Min(next[end + 1], time[b + 1] + costs.Transfer(b) + costs.Stage(j, FusionStrategy.S1, b + 1, end));
            }
            time = next;
        }
        return time[n];
    }
}
