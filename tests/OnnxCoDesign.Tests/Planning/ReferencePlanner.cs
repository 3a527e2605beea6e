using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>
/// The planner as it was before it was made polynomial in the devices (issue 9), kept as an oracle: the
/// dynamic program that gathers every candidate of a state and prunes them pairwise (an entry goes when
/// another is at least as good in time, accuracy and kept branches, the other time measure breaking ties), and the sweep that
/// scores all 4^devices strategy vectors at each cut. The planner must give exactly what these give.
/// Its link model is written out here, not taken from StageCosts: serialization (bytes·8/bandwidth) is a
/// stage of the period, latency adds to the response time only, and a results device upstream of the
/// part holding the last unit costs a return over each link between on the downlink.
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
                .Select(s => new Entry(stage(0, s, 0, last), costs.Accuracy(0, s, 0, last), stage(0, s, 0, last), Branches(costs, s, 0, last), null, last, s)));
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
                    // Pipelined link: serialization is a stage, latency only adds to the response time; the part
                    // holding the last unit pays the way back to an upstream results device.
                    var bytes = b >= n - 1 && j - 1 >= p.Results ? 0 : p.BoundaryBytes[b + 1];
                    var serialization = bytes == 0 ? 0 : bytes * 8.0 / p.Link.BitsPerSecond;
                    var arrival = bytes == 0 ? 0 : serialization + p.Link.LatencySeconds;
                    var hops = end == n - 1 && b < n - 1 ? Math.Max(0, j - p.Results) : 0;
                    var outputs = p.BoundaryBytes[n];
                    var down = hops == 0 || outputs == 0 ? 0 : outputs * 8.0 / p.Link.DownBitsPerSecond;
                    var back = hops == 0 || outputs == 0 ? 0 : hops * (down + p.Link.LatencySeconds);
                    foreach (var s in StrategiesFor(costs, strategies, b + 1, end))
                    {
                        var t = stage(j, s, b + 1, end);
                        var a = costs.Accuracy(j, s, b + 1, end);
                        foreach (var e in fronts[b + 1])
                        {
                            var sum = (latency ? e.Time : e.Other) + arrival + t + back;
                            var max = Math.Max(latency ? e.Other : e.Time, Math.Max(Math.Max(serialization, t), down));
                            candidates.Add(new Entry(latency ? sum : max, e.Accuracy + a, latency ? max : sum, e.Branches + Branches(costs, s, b + 1, end), e, end, s));
                        }
                    }
                }
                next[end + 1] = Prune(candidates);
            }
            fronts = next;
        }
        // The (T, A) front of what is left; among plans equal in (T, A) the first in the documented tie-break
        // order: lower latency, lower period, fewer kept branches, earlier cuts.
        var kept = new List<ParetoPoint>();
        var ordered = fronts[n].Select(e => Point(costs, e, k))
            .OrderBy(pt => pt.Score.Time(p.Objective)).ThenBy(pt => pt.Score.Accuracy)
            .ThenBy(pt => pt.Score.Latency).ThenBy(pt => pt.Score.Period).ThenBy(pt => pt.Score.KeptBranches)
            .ThenBy(pt => string.Join(",", pt.Choice.Cuts.Select(c => (c + 1).ToString("D6", System.Globalization.CultureInfo.InvariantCulture))), StringComparer.Ordinal);
        foreach (var pt in ordered)
        {
            if (kept.Count == 0 || pt.Score.Accuracy < kept[^1].Score.Accuracy - 1e-15) kept.Add(pt);
        }
        return kept;
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
            // The documented tie-break, written out: L, then latency, period, kept branches (the cut is fixed here).
            var (bestChoice, bestScore) = scored.OrderBy(x => x.s.Loss(p.Objective, p.Lambda)).ThenBy(x => x.s.Latency).ThenBy(x => x.s.Period).ThenBy(x => x.s.KeptBranches).First();
            points.Add((PlanScore.Of(costs, new PlanChoice(cuts, Enumerable.Repeat(FusionStrategy.S1, k).ToArray())), bestChoice, bestScore));
        }
        return points;
    }

    /// <summary>Time: the objective's; Other: the other time measure (period or latency); Branches: kept branches so far.</summary>
    private sealed record Entry(double Time, double Accuracy, double Other, int Branches, Entry? Previous, int End, FusionStrategy Strategy);

    private static int Branches(StageCosts costs, FusionStrategy s, int first, int last) =>
        !costs.HasBlocks(first, last) ? 0 : s == FusionStrategy.S1 ? 0 : s == FusionStrategy.S4 ? 2 : 1;

    private static IEnumerable<FusionStrategy> StrategiesFor(StageCosts costs, IReadOnlyList<FusionStrategy> strategies, int first, int last) =>
        costs.HasBlocks(first, last) ? strategies : strategies.Take(1);

    /// <summary>
    /// Every entry no other beats, compared pairwise: y beats x when it is no worse in (T, A, branches) and
    /// better in one of them, or equal in all three with a lower other time (or the same, listed first).
    /// </summary>
    private static List<Entry> Prune(IEnumerable<Entry> entries)
    {
        var all = entries.ToList();
        bool Beats(Entry y, int j, Entry x, int i)
        {
            if (!(y.Time <= x.Time && y.Accuracy <= x.Accuracy && y.Branches <= x.Branches)) return false;
            if (y.Time < x.Time || y.Accuracy < x.Accuracy || y.Branches < x.Branches) return true;
            return y.Other < x.Other || (y.Other == x.Other && j < i);
        }
        return all.Where((x, i) => !all.Where((y, j) => j != i && Beats(y, j, x, i)).Any()).ToList();
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
