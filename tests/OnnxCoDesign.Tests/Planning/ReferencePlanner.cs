using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>
/// The planner as it was before it was made polynomial in the devices (issue 9), kept as an oracle: the
/// dynamic program that gathers every candidate of a state and sorts them all to prune, and the sweep that
/// scores all 4^devices strategy vectors at each cut. The planner must give exactly what these give.
/// </summary>
internal static class ReferencePlanner
{
    public static IReadOnlyList<ParetoPoint> Front(StageCosts costs, IReadOnlyList<FusionStrategy>? strategies = null, Func<int, FusionStrategy, int, int, double>? stage = null)
    {
        var p = costs.Problem;
        var n = p.Units;
        var k = p.Devices.Count;
        strategies ??= Enum.GetValues<FusionStrategy>();
        stage ??= costs.Stage;
        var latency = p.Objective == Objective.Latency;
        var fronts = new List<Entry>[n + 1];
        for (var b = -1; b < n; b++)
        {
            var last = k == 1 ? n - 1 : b;
            if (k == 1 && b != n - 1) { fronts[b + 1] = []; continue; }
            fronts[b + 1] = Prune(StrategiesFor(costs, strategies, 0, last)
                .Select(s => new Entry(stage(0, s, 0, last), costs.Accuracy(0, s, 0, last), null, last, s)));
        }
        for (var j = 1; j < k; j++)
        {
            var next = new List<Entry>[n + 1];
            var lastPart = j == k - 1;
            for (var end = -1; end < n; end++)
            {
                if (lastPart && end != n - 1) { next[end + 1] = []; continue; }
                var candidates = new List<Entry>();
                for (var b = -1; b <= end; b++)
                {
                    if (fronts[b + 1].Count == 0) continue;
                    var transfer = costs.Transfer(b);
                    foreach (var s in StrategiesFor(costs, strategies, b + 1, end))
                    {
                        var t = stage(j, s, b + 1, end);
                        var a = costs.Accuracy(j, s, b + 1, end);
                        foreach (var e in fronts[b + 1])
                        {
                            var time = latency ? e.Time + transfer + t : Math.Max(e.Time, Math.Max(transfer, t));
                            candidates.Add(new Entry(time, e.Accuracy + a, e, end, s));
                        }
                    }
                }
                next[end + 1] = Prune(candidates);
            }
            fronts = next;
        }
        return fronts[n].Select(e => Point(costs, e, k)).OrderBy(pt => pt.Score.Time(p.Objective)).ThenBy(pt => pt.Score.Accuracy).ToList();
    }

    /// <summary>For each first cut (later parts empty): the S1 score and the first best of every strategy vector.</summary>
    public static List<(PlanScore Static, PlanChoice BestChoice, PlanScore Best)> Sweep(StageCosts costs)
    {
        var p = costs.Problem;
        var k = p.Devices.Count;
        var n = p.Units;
        var points = new List<(PlanScore, PlanChoice, PlanScore)>();
        for (var b = -1; b < n; b++)
        {
            var cuts = new int[k - 1];
            cuts[0] = b;
            for (var j = 1; j < k - 1; j++) cuts[j] = n - 1;
            var scored = SyntheticProblems.Assignments(k).Select(s => new PlanChoice(cuts, s)).Select(c => (c, s: PlanScore.Of(costs, c))).ToList();
            var (bestChoice, bestScore) = scored.MinBy(x => x.s.Loss(p.Objective, p.Lambda));
            points.Add((PlanScore.Of(costs, new PlanChoice(cuts, Enumerable.Repeat(FusionStrategy.S1, k).ToArray())), bestChoice, bestScore));
        }
        return points;
    }

    private sealed record Entry(double Time, double Accuracy, Entry? Previous, int End, FusionStrategy Strategy);

    private static IEnumerable<FusionStrategy> StrategiesFor(StageCosts costs, IReadOnlyList<FusionStrategy> strategies, int first, int last) =>
        costs.HasBlocks(first, last) ? strategies : strategies.Take(1);

    private static List<Entry> Prune(IEnumerable<Entry> entries)
    {
        var kept = new List<Entry>();
        foreach (var e in entries.OrderBy(e => e.Time).ThenBy(e => e.Accuracy))
        {
            if (kept.Count == 0 || e.Accuracy < kept[^1].Accuracy - 1e-15) kept.Add(e);
        }
        return kept;
    }

    private static ParetoPoint Point(StageCosts costs, Entry last, int parts)
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
