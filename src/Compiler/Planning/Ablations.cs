using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// The seed's ablation table in one run: the co-designed plan with one ingredient removed at a time, the rest
/// still co-designed, each scored under the real cost model (so the rows compare with the chosen plan and the
/// baselines figure for figure).
/// <list type="bullet">
/// <item>w/o roofline: the cut(s) a FLOPs-only model picks — stage time = FLOPs / (P·ηc), no memory term, no
/// per-node overhead, searched over every strategy and wire format and chosen by L under that model — then, at
/// those cuts, the strategies and wire formats minimizing L under the real model (<see cref="FixedCuts.Best"/>).</item>
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
                FixedCuts.Best(costs, flopsCuts).Choice),
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
        return new StageCosts(p with { UnitSeconds = seconds, SecondsBeforeCut = null, SecondsAfterCut = null, CostModel = CostModelKind.Roofline });
    }

    /// <summary>The plan a FLOPs-only model picks: minimal L under <see cref="FlopsOnly"/>, over every strategy and wire format.</summary>
    public static PlanChoice FlopsOnlyChoice(StageCosts costs)
    {
        var flops = FlopsOnly(costs);
        return ParetoPlanner.Best(ParetoPlanner.Candidates(flops), flops.Problem.Objective, flops.Problem.Lambda).Choice;
    }
}
