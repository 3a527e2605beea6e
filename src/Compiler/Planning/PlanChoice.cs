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

    /// <summary>
    /// The wire format of each link (one per cut); empty: fp32 everywhere. A link whose boundary has nothing to
    /// convert (the inputs, the outputs, no float32 node output) is fp32 whatever is given.
    /// </summary>
    public WireFormat[] Wires { get; init; } = [];

    /// <summary>Link <paramref name="link"/>'s wire format.</summary>
    public WireFormat Wire(int link) => link < Wires.Length ? Wires[link] : WireFormat.Fp32;

    /// <summary>The links' formats as text: "fp16" (two devices), "fp16,fp32".</summary>
    public string WireNames(string separator = ",") => string.Join(separator, Enumerable.Range(0, Cuts.Length).Select(l => Wire(l).Name()));

    public override string ToString() => $"cuts [{string.Join(",", Cuts)}] strategies [{StrategyNames()}]" + (Wires.Any(w => w != WireFormat.Fp32) ? $" wire [{WireNames()}]" : "");
}

/// <summary>
/// A plan's figures under the pipelined link model. <see cref="StageSeconds"/>: each part. <see cref="TransferSeconds"/>:
/// each link's arrival time (serialization + latency, 0 when nothing crosses); <see cref="TransferBusySeconds"/>:
/// its serialization alone, the time the link is busy per frame. <see cref="ReturnSeconds"/> and
/// <see cref="ReturnBusySeconds"/>: the same for each link the outputs travel back over (downlink), from the
/// producing part towards the results device. Latency (the response time) sums parts, arrivals and returns;
/// the pipelined period is the slowest busy resource: a part, a link's serialization or a return's
/// (throughput is its inverse). Accuracy cost A = Σ α_k·A(s_k); <see cref="KeptBranches"/> the tie-break count. A lossy wire adds
/// its boundary's wire accuracy cost once per crossing (a relay's forward is not counted again).
/// </summary>
public sealed record PlanScore(double Latency, double Period, double Accuracy, double[] StageSeconds, double[] TransferSeconds)
{
    public double[] TransferBusySeconds { get; init; } = TransferSeconds;

    public double[] ReturnSeconds { get; init; } = [];

    public double[] ReturnBusySeconds { get; init; } = [];

    public int KeptBranches { get; init; }

    public double Throughput => Period > 0 ? 1 / Period : double.PositiveInfinity;

    public double Time(Objective objective) => objective == Objective.Latency ? Latency : Period;

    /// <summary>The objective L = T + λ·A (the seed's Eq. 11).</summary>
    public double Loss(Objective objective, double lambda) => Time(objective) + lambda * Accuracy;

    public static PlanScore Of(StageCosts costs, PlanChoice choice)
    {
        var n = costs.Problem.Units;
        var stages = new double[choice.Parts];
        var arrivals = new double[choice.Parts - 1];
        var busy = new double[choice.Parts - 1];
        double accuracy = 0;
        var branches = 0;
        var producer = choice.Parts - 1;
        for (var j = 0; j < choice.Parts; j++)
        {
            var (first, last) = (choice.First(j), choice.Last(j, n));
            stages[j] = costs.Stage(j, choice.Strategies[j], first, last);
            accuracy += costs.Accuracy(j, choice.Strategies[j], first, last);
            branches += costs.KeptBranches(choice.Strategies[j], first, last);
            if (j < choice.Parts - 1)
            {
                var wire = choice.Wire(j);
                arrivals[j] = costs.LinkArrival(j, choice.Cuts[j], wire);
                busy[j] = costs.LinkBusy(j, choice.Cuts[j], wire);
                // A relay forwards what it received: the rounding was counted on the link before.
                if (j == 0 || choice.Cuts[j - 1] != choice.Cuts[j]) accuracy += costs.WireAccuracy(choice.Cuts[j], wire);
                if (choice.Cuts[j] >= n - 1) producer = Math.Min(producer, j);
            }
        }
        var hops = costs.ReturnHops(producer);
        var returns = Enumerable.Repeat(hops == 0 ? 0 : costs.ReturnArrival(producer) / hops, hops).ToArray();
        var returnBusy = Enumerable.Repeat(costs.ReturnBusy(producer), hops).ToArray();
        var latency = stages.Sum() + arrivals.Sum() + returns.Sum();
        var period = stages.Concat(busy).Concat(returnBusy).DefaultIfEmpty(0).Max();
        return new PlanScore(latency, period, accuracy, stages, arrivals)
        {
            TransferBusySeconds = busy,
            ReturnSeconds = returns,
            ReturnBusySeconds = returnBusy,
            KeptBranches = branches,
        };
    }
}
