using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// A plan on the front of time against accuracy cost, with its figures under the problem's cost model and
/// the time the search itself ranked it by (the same unless a different stage function was searched with).
/// </summary>
public sealed record ParetoPoint(PlanChoice Choice, PlanScore Score, double SearchTime);

/// <summary>
/// Exact optimization over the cuts and each part's strategy, by dynamic programming along the topological
/// order of units. State: part j ends at boundary b. Each state keeps its Pareto front of (T, A) — T the
/// latency so far (additive) or the slowest stage so far (for throughput) and A the accuracy cost so far —
/// because min T + λA over the whole chain is not decided by either alone. The final front is the Pareto
/// front of the whole space, and its minimum of T + λA is the exact optimum; for two devices the same
/// space is small enough to check against brute force (the tests do).
/// Cost: O(devices · units² · strategies · front size · log front size), polynomial in every one of them:
/// each state's candidates go through a <see cref="FrontBuilder"/>, which keeps only its staircase.
/// </summary>
public static class ParetoPlanner
{
    /// <param name="strategies">The strategies allowed (all four, or only S1 for static baselines).</param>
    /// <param name="stage">Stage seconds for (device, strategy, first, last); defaults to the problem's cost model.</param>
    public static IReadOnlyList<ParetoPoint> Front(StageCosts costs, IReadOnlyList<FusionStrategy>? strategies = null, Func<int, FusionStrategy, int, int, double>? stage = null)
    {
        var p = costs.Problem;
        var n = p.Units;
        var k = p.Devices.Count;
        strategies ??= Enum.GetValues<FusionStrategy>();
        stage ??= costs.Stage;
        var latency = p.Objective == Objective.Latency;
        var builder = new FrontBuilder();
        var transfers = new double[n + 1];
        for (var b = -1; b < n; b++) transfers[b + 1] = costs.Transfer(b);

        // fronts[b + 1]: entries for the parts so far, the last of which ends at boundary b.
        var fronts = new List<ParetoEntry>[n + 1];
        for (var b = -1; b < n; b++)
        {
            var last = k == 1 ? n - 1 : b;
            if (k == 1 && b != n - 1) { fronts[b + 1] = []; continue; }
            for (var i = 0; i < StrategyCount(costs, strategies, 0, last); i++)
            {
                var s = strategies[i];
                builder.Add(stage(0, s, 0, last), costs.Accuracy(0, s, 0, last), null, s);
            }
            fronts[b + 1] = builder.Build(last);
        }
        for (var j = 1; j < k; j++)
        {
            var next = new List<ParetoEntry>[n + 1];
            var lastPart = j == k - 1;
            for (var end = -1; end < n; end++)
            {
                if (lastPart && end != n - 1) { next[end + 1] = []; continue; }
                for (var b = -1; b <= end; b++)
                {
                    var front = fronts[b + 1];
                    if (front.Count == 0) continue;
                    var transfer = transfers[b + 1];
                    for (var i = 0; i < StrategyCount(costs, strategies, b + 1, end); i++)
                    {
                        var s = strategies[i];
                        var t = stage(j, s, b + 1, end);
                        var a = costs.Accuracy(j, s, b + 1, end);
                        foreach (var e in front)
                        {
                            var time = latency ? e.Time + transfer + t : Math.Max(e.Time, Math.Max(transfer, t));
                            builder.Add(time, e.Accuracy + a, e, s);
                        }
                    }
                }
                next[end + 1] = builder.Build(end);
            }
            fronts = next;
        }
        return fronts[n].Select(e => Point(costs, e, k)).OrderBy(pt => pt.Score.Time(p.Objective)).ThenBy(pt => pt.Score.Accuracy).ToList();
    }

    /// <summary>The plan minimizing L = T + λ·A (ties: less time, then fewer parts' cuts earlier).</summary>
    public static ParetoPoint Best(IReadOnlyList<ParetoPoint> front, Objective objective, double lambda) =>
        front.OrderBy(pt => pt.Score.Loss(objective, lambda)).ThenBy(pt => pt.Score.Time(objective)).First();

    /// <summary>
    /// How many of <paramref name="strategies"/> a part tries: a part without blocks reacts to no strategy,
    /// so it takes the first only and equal plans are not counted four times.
    /// </summary>
    private static int StrategyCount(StageCosts costs, IReadOnlyList<FusionStrategy> strategies, int first, int last) =>
        costs.HasBlocks(first, last) ? strategies.Count : Math.Min(1, strategies.Count);

    private static ParetoPoint Point(StageCosts costs, ParetoEntry last, int parts)
    {
        var cuts = new int[parts - 1];
        var strategies = new FusionStrategy[parts];
        var e = last;
        for (var j = parts - 1; j >= 0; j--)
        {
            strategies[j] = e!.Strategy;
            if (j > 0) cuts[j - 1] = e.Previous!.End;
            e = e.Previous;
        }
        var choice = new PlanChoice(cuts, strategies);
        return new ParetoPoint(choice, PlanScore.Of(costs, choice), last.Time);
    }
}
