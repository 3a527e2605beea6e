using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// The seed's ablation table in one run: the co-designed plan with one ingredient removed at a time, the rest
/// still co-designed, each scored under the real cost model (so the rows compare with the chosen plan and the
/// baselines figure for figure).
/// <list type="bullet">
/// <item>w/o roofline: the cut(s) a FLOPs-only model picks — stage time = FLOPs / (P·ηc), no memory term, no
/// per-node overhead, searched over every strategy and wire format and chosen by L under that model — then, at
/// those cuts, the strategies and wire formats minimizing L under the real model (<see cref="BestAtCuts"/>).</item>
/// <item>w/o dynamic structure: S1 in every part; cuts and wire formats co-designed.</item>
/// <item>w/o multi-objective: λ = 0, the fastest plan; A plays no part in the choice.</item>
/// <item>w/o wire formats: fp32 on every link; cuts and strategies co-designed.</item>
/// </list>
/// Every choice follows <see cref="TieBreak"/>. Pure planning: the measured accuracy of each row is the
/// evaluation layer's (AblationAccuracy).
/// </summary>
public static class Ablations
{
    public const string WithoutRoofline = "w/o roofline";
    public const string WithoutDynamicStructure = "w/o dynamic structure";
    public const string WithoutMultiObjective = "w/o multi-objective";
    public const string WithoutWireFormats = "w/o wire formats";

    /// <summary>The four rows, in the order above.</summary>
    /// <param name="candidates">The DP's candidates of the full problem (<see cref="ParetoPlanner.Candidates"/>), when the caller has them.</param>
    public static IReadOnlyList<NamedPlan> Run(StageCosts costs, IReadOnlyList<ParetoPoint>? candidates = null)
    {
        var p = costs.Problem;
        candidates ??= ParetoPlanner.Candidates(costs);
        NamedPlan Named(string name, string description, PlanChoice c) => new(name, description, c, PlanScore.Of(costs, c));

        var flopsCuts = FlopsOnlyChoice(costs).Cuts;
        var staticStructure = ParetoPlanner.Best(ParetoPlanner.Candidates(costs, [FusionStrategy.S1]), p.Objective, p.Lambda);
        var timeOnly = ParetoPlanner.Best(candidates, p.Objective, 0);
        var fp32Wire = ParetoPlanner.Best(ParetoPlanner.Candidates(PlanSearch.WithoutWireFormats(costs)), p.Objective, p.Lambda);
        return
        [
            Named(WithoutRoofline, "cut(s) a FLOPs-only model picks (FLOPs / peak, no memory term); strategies and wire formats co-designed at those cuts",
                BestAtCuts(costs, flopsCuts).Choice),
            Named(WithoutDynamicStructure, "every block fused (S1 everywhere); cuts and wire formats co-designed", staticStructure.Choice),
            Named(WithoutMultiObjective, "λ = 0: the fastest plan, accuracy cost ignored; cuts, strategies and wire formats co-designed", timeOnly.Choice),
            Named(WithoutWireFormats, "fp32 on every link; cuts and strategies co-designed", fp32Wire.Choice),
        ];
    }

    /// <summary>
    /// The problem as a FLOPs-only model sees it: each unit costs FLOPs / (P·ηc) on each device at its precision,
    /// the links and the accuracy costs as they are.
    /// </summary>
    public static StageCosts FlopsOnly(StageCosts costs)
    {
        var p = costs.Problem;
        var seconds = p.Devices.Select((d, i) =>
        {
            var rate = d.Peak(p.PrecisionOn(i)) * d.ComputeEfficiency;
            return p.UnitFlops.Select(row => row.Select(f => f / rate).ToArray()).ToArray();
        }).ToArray();
        return new StageCosts(p with { UnitSeconds = seconds, CostModel = CostModelKind.Roofline });
    }

    /// <summary>The plan a FLOPs-only model picks: minimal L under <see cref="FlopsOnly"/>, over every strategy and wire format.</summary>
    public static PlanChoice FlopsOnlyChoice(StageCosts costs)
    {
        var flops = FlopsOnly(costs);
        return ParetoPlanner.Best(ParetoPlanner.Candidates(flops), flops.Problem.Objective, flops.Problem.Lambda).Choice;
    }

    /// <summary>Plans <see cref="BestAtCuts"/> enumerates at most; beyond (many devices with blocks and wire choices) it searches.</summary>
    public const int MaxEnumerated = 1 << 16;

    /// <summary>
    /// At fixed cuts, the strategies and wire formats minimizing L = T + λ·A (ties by <see cref="TieBreak"/>): every
    /// strategy of each part with blocks (S1 where the strategy changes nothing: an empty part or one without
    /// blocks) × every format each link may carry, keeping the choices whose formats are consistent
    /// (<see cref="StageCosts.WiresConsistent"/>). Cost: 4^(parts with blocks) · 3^links plans; past
    /// <paramref name="maxEnumerated"/> of them, the exact DP (<see cref="ParetoPlanner.Candidates"/>) with every
    /// other part range priced at +∞, which keeps L exact and breaks its ties as the DP does.
    /// </summary>
    public static (PlanChoice Choice, PlanScore Score) BestAtCuts(StageCosts costs, int[] cuts, int maxEnumerated = MaxEnumerated)
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
