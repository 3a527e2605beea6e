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
/// Cost: O(devices · units² · strategies · front size · log front size), polynomial in every one of them.
/// <para>
/// Link model (pipelined): link j carries what crosses the cut before part j+1 (the outputs after the last
/// unit only while the results device is further down); it is busy for the serialization alone, which is a
/// stage of the period, and its latency adds to the response time. The part that holds the last unit pays
/// the way back to the results device when that is upstream: each link between carries the outputs on the
/// downlink (serialization a stage, serialization + latency on the response time).
/// </para>
/// <para>
/// Wire formats: each link also chooses the format of the tensors it carries (<see cref="StageCosts.WireChoices"/>);
/// its bytes, and so its serialization, follow the format, and a lossy format adds its boundary's accuracy cost
/// (once per crossing: a relay forwards what it received). A tensor is encoded once, by its producer, so two links
/// that carry a common tensor (a relay, or a skip connection over a part) must use the same format: the entry
/// records that constraint for the next link. Cost: the factor of formats per link (at most 3) on the transitions.
/// </para>
/// <para>
/// Tie-breaking (<see cref="TieBreak"/>): equal L → lower latency → lower period → fewer kept branches →
/// earlier cut. Each state keeps every entry not dominated in (T, A, kept branches) — all three extend
/// monotonically part by part — and, of entries equal in all three, the one with the lower other time
/// measure; <see cref="Front"/> reduces the final set to the (T, A) front, each point the tie-break's best
/// among its equals. So L and the kept branches are exact; latency and period break ties among the plans
/// the DP keeps (the one with the better other time at every state of the chain).
/// </para>
/// </summary>
public static class ParetoPlanner
{
    /// <summary>The (T, A) Pareto front, time rising; among plans equal in (T, A), the tie-break's best.</summary>
    /// <param name="strategies">The strategies allowed (all four, or only S1 for static baselines).</param>
    /// <param name="stage">Stage seconds for (device, strategy, first, last); defaults to the problem's cost model.</param>
    public static IReadOnlyList<ParetoPoint> Front(StageCosts costs, IReadOnlyList<FusionStrategy>? strategies = null, Func<int, FusionStrategy, int, int, double>? stage = null) =>
        Reduce(costs.Problem.Objective, Candidates(costs, strategies, stage));

    /// <summary>The (T, A) front of <paramref name="candidates"/>: sorted by T, then A, then the tie-break; kept when A falls by more than 1e-15.</summary>
    public static IReadOnlyList<ParetoPoint> Reduce(Objective objective, IReadOnlyList<ParetoPoint> candidates)
    {
        var kept = new List<ParetoPoint>();
        var groups = candidates.GroupBy(pt => (pt.Score.Time(objective), pt.Score.Accuracy)).OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Item2);
        foreach (var g in groups)
        {
            if (kept.Count > 0 && !(g.Key.Accuracy < kept[^1].Score.Accuracy - 1e-15)) continue;
            kept.Add(TieBreak.Best(g, pt => pt.Score, pt => pt.Choice, objective, 0));
        }
        return kept;
    }

    /// <summary>
    /// Every plan the DP keeps at the end: none dominated in (T, A, kept branches); of equals, the lower
    /// other time measure. A superset of the (T, A) front.
    /// </summary>
    public static IReadOnlyList<ParetoPoint> Candidates(StageCosts costs, IReadOnlyList<FusionStrategy>? strategies = null, Func<int, FusionStrategy, int, int, double>? stage = null)
    {
        var p = costs.Problem;
        var n = p.Units;
        var k = p.Devices.Count;
        strategies ??= Enum.GetValues<FusionStrategy>();
        stage ??= costs.Stage;
        var latency = p.Objective == Objective.Latency;
        var builder = new FrontBuilder();

        // fronts[b + 1]: entries for the parts so far, the last of which ends at boundary b.
        var fronts = new List<ParetoEntry>[n + 1];
        for (var b = -1; b < n; b++)
        {
            var last = k == 1 ? n - 1 : b;
            if (k == 1 && b != n - 1) { fronts[b + 1] = []; continue; }
            for (var i = 0; i < StrategyCount(costs, strategies, 0, last); i++)
            {
                var s = strategies[i];
                var t = stage(0, s, 0, last);
                builder.Add(t, costs.Accuracy(0, s, 0, last), t, costs.KeptBranches(s, 0, last), null, s);
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
                    // This part holds the last unit: the outputs start here, and may go back.
                    var produces = end == n - 1 && b < n - 1;
                    var back = produces ? costs.ReturnArrival(j) : 0;
                    var backBusy = produces ? costs.ReturnBusy(j) : 0;
                    foreach (var w in costs.WireChoices(j - 1, b))
                    {
                        var arrival = costs.LinkArrival(j - 1, b, w);
                        var busy = costs.LinkBusy(j - 1, b, w);
                        var roundedHere = costs.WireAccuracy(b, w);
                        // The next link carries a tensor this one does: it must keep this format.
                        WireFormat? carry = costs.Convertible(b) && costs.ShareTensor(b, end) ? w : null;
                        for (var i = 0; i < StrategyCount(costs, strategies, b + 1, end); i++)
                        {
                            var s = strategies[i];
                            var t = stage(j, s, b + 1, end);
                            var a = costs.Accuracy(j, s, b + 1, end);
                            var kept = costs.KeptBranches(s, b + 1, end);
                            var slowest = Math.Max(Math.Max(busy, t), backBusy);
                            foreach (var e in front)
                            {
                                // A tensor the link into the previous part carried goes on in the same format.
                                if (e.Carry is { } c && c != w) continue;
                                // A relay forwards what it received: the rounding was counted on the link before.
                                var wireCost = e.Previous is not null && e.Previous.End == b ? 0 : roundedHere;
                                // Summed left to right (arrival, part, way back) so the figures are those of any other order of evaluation.
                                var (sum, max) = latency ? (e.Time + arrival + t + back, Math.Max(e.Other, slowest)) : (e.Other + arrival + t + back, Math.Max(e.Time, slowest));
                                builder.Add(latency ? sum : max, e.Accuracy + a + wireCost, latency ? max : sum, e.Branches + kept, e, s, w, carry);
                            }
                        }
                    }
                }
                next[end + 1] = builder.Build(end);
            }
            fronts = next;
        }
        return fronts[n].Select(e => Point(costs, e, k)).OrderBy(pt => pt.Score.Time(p.Objective)).ThenBy(pt => pt.Score.Accuracy).ToList();
    }

    /// <summary>The plan minimizing L = T + λ·A, ties broken by <see cref="TieBreak"/> (latency, period, kept branches, earlier cut).</summary>
    public static ParetoPoint Best(IReadOnlyList<ParetoPoint> points, Objective objective, double lambda) =>
        TieBreak.Best(points, pt => pt.Score, pt => pt.Choice, objective, lambda);

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
        var wires = new WireFormat[parts - 1];
        var e = last;
        for (var j = parts - 1; j >= 0; j--)
        {
            strategies[j] = e!.Strategy;
            if (j > 0)
            {
                cuts[j - 1] = e.Previous!.End;
                wires[j - 1] = e.Wire;
            }
            e = e.Previous;
        }
        var choice = new PlanChoice(cuts, strategies) { Wires = wires };
        return new ParetoPoint(choice, PlanScore.Of(costs, choice), last.Time);
    }
}
