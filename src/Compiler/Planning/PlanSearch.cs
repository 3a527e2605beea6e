using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>A named plan with its figures: the co-designed optimum or one of the baselines it is compared with.</summary>
public sealed record NamedPlan(string Name, string Description, PlanChoice Choice, PlanScore Score);

/// <summary>One cut of a two-part sweep: what crosses, and the best plan cutting there, fused (S1) and co-designed.</summary>
public sealed record SweepPoint(int Boundary, string After, long CrossingBytes, PlanScore Static, PlanChoice BestChoice, PlanScore Best);

/// <summary>The optimizer's answer: the front, the optimum, the baselines the seed compares with, and a sweep of the first cut.</summary>
public sealed record PlanSearchResult(IReadOnlyList<ParetoPoint> Front, NamedPlan Chosen, IReadOnlyList<NamedPlan> Baselines, IReadOnlyList<SweepPoint> Sweep)
{
    /// <summary>The co-designed plan with one ingredient removed at a time (<see cref="Planning.Ablations"/>); empty where not computed.</summary>
    public IReadOnlyList<NamedPlan> Ablations { get; init; } = [];
}

/// <summary>
/// Runs the search and the baselines in one place (the seed's ablation table):
/// everything on the last device; everything on the first; the best roofline cut with S1 everywhere (as
/// RoofSplit deploys a static structure); the cut a FLOPs-only model picks (Neurosurgeon-style: stage time
/// = FLOPs / peak, no memory term), S1 everywhere, scored with the real cost model; and the co-designed optimum.
/// </summary>
public static class PlanSearch
{
    public static PlanSearchResult Run(StageCosts costs)
    {
        var p = costs.Problem;
        var k = p.Devices.Count;
        var n = p.Units;
        var candidates = ParetoPlanner.Candidates(costs);
        var front = ParetoPlanner.Reduce(p.Objective, candidates);
        var best = ParetoPlanner.Best(candidates, p.Objective, p.Lambda);
        var s1 = Enumerable.Repeat(FusionStrategy.S1, k).ToArray();
        NamedPlan Named(string name, string description, PlanChoice c) => new(name, description, c, PlanScore.Of(costs, c));

        // The seed's baselines ship fp32 tensors, as the systems they stand for do.
        var fp32Wire = WithoutWireFormats(costs);
        var roofSplit = ParetoPlanner.Best(ParetoPlanner.Candidates(fp32Wire, [FusionStrategy.S1]), p.Objective, 0);
        var flopsOnly = ParetoPlanner.Front(fp32Wire, [FusionStrategy.S1], (d, s, a, b) =>
                costs.Flops(s, a, b) / (p.Devices[d].Peak(p.PrecisionOn(d)) * p.Devices[d].ComputeEfficiency))
            .MinBy(pt => pt.SearchTime)!;
        var baselines = new List<NamedPlan>
        {
            Named($"all on {p.Devices[^1].Name}", "everything on the last device (the input crosses every link)", new PlanChoice(Enumerable.Repeat(-1, k - 1).ToArray(), s1)),
            Named($"all on {p.Devices[0].Name}", "everything on the first device (the outputs cross every link)", new PlanChoice(Enumerable.Repeat(n - 1, k - 1).ToArray(), s1)),
            Named("roofline cut, S1", "best roofline cut with every block fused (static structure, as RoofSplit)", roofSplit.Choice),
            Named("FLOPs cut, S1", "cut chosen by FLOPs share alone (Neurosurgeon-style), every block fused", flopsOnly.Choice),
        };
        var chosen = Named("co-designed", "cut(s) and per-part strategy minimizing L = T + λ·A", best.Choice);
        return new PlanSearchResult(front, chosen, baselines, Sweep(costs)) { Ablations = Planning.Ablations.Run(costs, candidates) };
    }

    /// <summary>The same problem with fp32 on every link (no tensor converted for the wire).</summary>
    public static StageCosts WithoutWireFormats(StageCosts costs) =>
        costs.Problem.AllowedWires is null ? costs : new StageCosts(costs.Problem with { AllowedWires = null });

    /// <summary>
    /// For every boundary of the first link: the plan with everything after it on the second device (later
    /// devices relay), fused S1 and with the best strategies there. For two devices this is every two-part plan.
    /// </summary>
    private static List<SweepPoint> Sweep(StageCosts costs)
    {
        var p = costs.Problem;
        var k = p.Devices.Count;
        var n = p.Units;
        var points = new List<SweepPoint>();
        for (var b = -1; b < n; b++)
        {
            var cuts = new int[k - 1];
            cuts[0] = b;
            for (var j = 1; j < k - 1; j++) cuts[j] = n - 1;
            var (bestChoice, bestScore) = FixedCuts.Best(costs, cuts);
            var after = b < 0 ? "(input)" : p.UnitNames[b];
            points.Add(new SweepPoint(b, after, p.BoundaryBytes[b + 1], PlanScore.Of(costs, new PlanChoice(cuts, Enumerable.Repeat(FusionStrategy.S1, k).ToArray())), bestChoice, bestScore));
        }
        return points;
    }
}
