using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// The best plan at given cuts: the strategies and wire formats minimizing L, for the sweep's points (every first
/// cut) and the ablation that fixes the cuts a FLOPs-only model picks.
/// </summary>
public static class FixedCuts
{
    /// <summary>Plans <see cref="Best"/> enumerates at most; beyond (many devices with blocks and wire choices) it searches.</summary>
    public const int MaxEnumerated = 1 << 16;

    /// <summary>
    /// At fixed cuts, the strategies and wire formats minimizing L = T + λ·A (ties by <see cref="TieBreak"/>): every
    /// strategy of each part with blocks (S1 where the strategy changes nothing: an empty part or one without
    /// blocks) × every format each link may carry, keeping the choices whose formats are consistent
    /// (<see cref="StageCosts.WiresConsistent"/>). Cost: 4^(parts with blocks) · 3^links plans; past
    /// <paramref name="maxEnumerated"/> of them, the exact DP (<see cref="ParetoPlanner.Candidates"/>) with every
    /// other part range priced at +∞, which keeps L exact and breaks its ties as the DP does.
    /// </summary>
    public static (PlanChoice Choice, PlanScore Score) Best(StageCosts costs, int[] cuts, int maxEnumerated = MaxEnumerated)
    {
        var p = costs.Problem;
        var k = cuts.Length + 1;
        var shape = new PlanChoice(cuts, Enumerable.Repeat(FusionStrategy.S1, k).ToArray());
        var perPart = Enumerable.Range(0, k)
            .Select(j => costs.HasBlocks(shape.First(j), shape.Last(j, p.Units)) ? Enum.GetValues<FusionStrategy>() : [FusionStrategy.S1])
            .ToArray();
        var perLink = Enumerable.Range(0, k - 1).Select(l => costs.WireChoices(l, cuts[l]).ToArray()).ToArray();
        var count = perPart.Aggregate(1.0, (c, x) => c * x.Length) * perLink.Aggregate(1.0, (c, x) => c * x.Length);
        if (count > maxEnumerated) return SearchAtCuts(costs, shape);
        var all = Product(perPart)
            .SelectMany(s => Product(perLink).Select(w => new PlanChoice(cuts, s) { Wires = w }))
            .Where(costs.WiresConsistent)
            .Select(c => (Choice: c, Score: PlanScore.Of(costs, c)))
            .ToList();
        return TieBreak.Best(all, x => x.Score, x => x.Choice, p.Objective, p.Lambda);
    }

    /// <summary>
    /// The DP over cuts × strategies × wires with each part allowed only its range at <paramref name="shape"/>'s cuts:
    /// any other range costs +∞, so a plan at those cuts is never dominated by one elsewhere and the survivors at those
    /// cuts hold the optimum of L there.
    /// </summary>
    private static (PlanChoice Choice, PlanScore Score) SearchAtCuts(StageCosts costs, PlanChoice shape)
    {
        var p = costs.Problem;
        double Stage(int part, FusionStrategy s, int first, int last) =>
            first == shape.First(part) && last == shape.Last(part, p.Units) ? costs.Stage(part, s, first, last) : double.PositiveInfinity;
        var atCuts = ParetoPlanner.Candidates(costs, null, Stage).Where(pt => pt.Choice.Cuts.SequenceEqual(shape.Cuts)).ToList();
        var best = ParetoPlanner.Best(atCuts, p.Objective, p.Lambda);
        return (best.Choice, best.Score);
    }

    /// <summary>Every vector taking one value per position, in lexicographic order (position 0 most significant).</summary>
    private static IEnumerable<T[]> Product<T>(T[][] options) =>
        options.Length == 0 ? [[]] : Product(options[..^1]).SelectMany(a => options[^1].Select(x => (T[])[.. a, x]));
}
