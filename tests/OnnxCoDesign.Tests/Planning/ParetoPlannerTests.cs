using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>The dynamic program finds the same optimum and the same front as scoring every plan.</summary>
public sealed class ParetoPlannerTests
{
    public static TheoryData<int, int, int, Objective, double> Cases()
    {
        var data = new TheoryData<int, int, int, Objective, double>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            foreach (var objective in new[] { Objective.Latency, Objective.Throughput })
            {
                data.Add(seed, 7, 2, objective, 0.0);
                data.Add(seed, 7, 2, objective, 0.01);
                data.Add(seed, 6, 3, objective, 0.002);
            }
        }
        data.Add(4, 5, 4, Objective.Latency, 0.005);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OptimumEqualsBruteForce(int seed, int units, int devices, Objective objective, double lambda)
    {
        var problem = SyntheticProblems.Random(seed, units, devices, objective, lambda);
        var costs = new StageCosts(problem);
        var best = ParetoPlanner.Best(ParetoPlanner.Front(costs), objective, lambda);
        var brute = SyntheticProblems.AllChoices(units, devices).Select(c => PlanScore.Of(costs, c)).Min(s => s.Loss(objective, lambda));
        Assert.Equal(brute, best.Score.Loss(objective, lambda), 12);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FrontIsExactlyTheNonDominatedPlans(int seed, int units, int devices, Objective objective, double lambda)
    {
        var problem = SyntheticProblems.Random(seed, units, devices, objective, lambda);
        var costs = new StageCosts(problem);
        var front = ParetoPlanner.Front(costs);
        var all = SyntheticProblems.AllChoices(units, devices).Select(c => PlanScore.Of(costs, c)).ToList();
        // No plan beats a front point on both axes, and every non-dominated (T, A) pair is on the front.
        foreach (var point in front)
        {
            Assert.DoesNotContain(all, s => s.Time(objective) < point.Score.Time(objective) - 1e-12 && s.Accuracy < point.Score.Accuracy - 1e-12);
        }
        var nonDominated = all.Where(s => !all.Any(o => o.Time(objective) <= s.Time(objective) - 1e-12 && o.Accuracy <= s.Accuracy + 1e-12
                                                        || o.Time(objective) <= s.Time(objective) + 1e-12 && o.Accuracy <= s.Accuracy - 1e-12))
            .Select(s => Math.Round(s.Accuracy, 9)).Distinct().Order().ToList();
        Assert.Equal(nonDominated, front.Select(p => Math.Round(p.Score.Accuracy, 9)).Order().ToList());
    }

    [Fact]
    public void RestrictingToS1GivesOnlyS1Plans()
    {
        var costs = new StageCosts(SyntheticProblems.Random(5, 8, 2, Objective.Latency, 0));
        var front = ParetoPlanner.Front(costs, [FusionStrategy.S1]);
        Assert.All(front, p => Assert.All(p.Choice.Strategies, s => Assert.Equal(FusionStrategy.S1, s)));
    }

    [Fact]
    public void LargeLambdaPrefersKeepingBranches()
    {
        var costs = new StageCosts(SyntheticProblems.Random(6, 8, 2, Objective.Latency, 0));
        var fast = ParetoPlanner.Best(ParetoPlanner.Front(costs), Objective.Latency, 0);
        var careful = ParetoPlanner.Best(ParetoPlanner.Front(costs), Objective.Latency, 1e6);
        Assert.Equal(0, careful.Score.Accuracy);
        Assert.True(fast.Score.Latency <= careful.Score.Latency);
    }
}
