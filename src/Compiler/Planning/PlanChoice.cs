using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// A plan in the optimizer's terms: the boundary after which each part ends (one per link, so devices − 1
/// of them, non-decreasing, −1 … units−1) and each part's strategy.
/// Part j covers units First(j)..Last(j); it may be empty, and then its device relays what crosses.
/// </summary>
public sealed record PlanChoice(int[] Cuts, FusionStrategy[] Strategies)
{
    public int Parts => Strategies.Length;

    /// <summary>Part <paramref name="part"/>'s strategy.</summary>
    public FusionStrategy Strategy(int part) => Strategies[part];

    /// <summary>The parts' strategies as text: "S1,S2".</summary>
    public string StrategyNames(string separator = ",") => FusionStrategies.Names(Strategies, separator);

    public int First(int part) => part == 0 ? 0 : Cuts[part - 1] + 1;

    public int Last(int part, int units) => part == Parts - 1 ? units - 1 : Cuts[part];

    public override string ToString() => $"cuts [{string.Join(",", Cuts)}] strategies [{StrategyNames()}]";
}

/// <summary>
/// A plan's figures: latency (stages and transfers summed), the pipelined period (slowest stage or
/// transfer; throughput is its inverse), and the accuracy cost A = Σ α_k·A(s_k).
/// </summary>
public sealed record PlanScore(double Latency, double Period, double Accuracy, double[] StageSeconds, double[] TransferSeconds)
{
    public double Throughput => Period > 0 ? 1 / Period : double.PositiveInfinity;

    public double Time(Objective objective) => objective == Objective.Latency ? Latency : Period;

    /// <summary>The objective L = T + λ·A (the seed's Eq. 11).</summary>
    public double Loss(Objective objective, double lambda) => Time(objective) + lambda * Accuracy;

    public static PlanScore Of(StageCosts costs, PlanChoice choice)
    {
        var n = costs.Problem.Units;
        var stages = new double[choice.Parts];
        var transfers = new double[choice.Parts - 1];
        double accuracy = 0;
        for (var j = 0; j < choice.Parts; j++)
        {
            var (first, last) = (choice.First(j), choice.Last(j, n));
            stages[j] = costs.Stage(j, choice.Strategies[j], first, last);
            accuracy += costs.Accuracy(j, choice.Strategies[j], first, last);
            if (j < choice.Parts - 1) transfers[j] = costs.Transfer(choice.Cuts[j]);
        }
        var latency = stages.Sum() + transfers.Sum();
        var period = stages.Concat(transfers).DefaultIfEmpty(0).Max();
        return new PlanScore(latency, period, accuracy, stages, transfers);
    }
}
