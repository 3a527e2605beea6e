using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>
/// The ablation table (<see cref="Ablations"/>): each row against a brute-force enumeration of every cut vector ×
/// strategy vector × wire format per link under that row's restriction, on random problems with fp16/int8 wires; and
/// a hand-built problem where the wire format and the cost model decide the plan, so each row differs from the optimum.
/// </summary>
public sealed class AblationTests
{
    /// <summary>A random problem whose links may carry fp16 and int8 (half and a quarter of the fp32 bytes), with measured wire costs.</summary>
    private static PlanningProblem WithWires(int seed, int units, int devices, Objective objective, double lambda)
    {
        var p = SyntheticProblems.Random(seed, units, devices, objective, lambda);
        var r = new Random(seed + 1000);
        var n = p.Units;
        bool Interior(int i) => i > 0 && i < n; // index boundary + 1
        // Some boundaries carry no float32 node output (nothing to convert); the others' earliest producer is at or before them.
        var producer = Enumerable.Range(0, n + 1).Select(i => Interior(i) && r.NextDouble() < 0.8 ? r.Next(0, i) : int.MaxValue).ToArray();
        long Bytes(int f, int i) => !Interior(i) || producer[i] == int.MaxValue ? p.BoundaryBytes[i] : p.BoundaryBytes[i] / (f == 0 ? 1 : f == 1 ? 2 : 4);
        return p with
        {
            AllowedWires = Enumerable.Range(0, devices - 1).Select(l => (IReadOnlyList<WireFormat>)(l % 2 == 0 ? WireFormats.All : [WireFormat.Fp32, WireFormat.Fp16])).ToList(),
            WireBytes = Enumerable.Range(0, 3).Select(f => Enumerable.Range(0, n + 1).Select(i => Bytes(f, i)).ToArray()).ToArray(),
            EarliestProducer = producer,
            WireAccuracyCost = Enumerable.Range(0, 3).Select(f => Enumerable.Range(0, n + 1).Select(_ => f == 0 ? 0 : r.NextDouble() * f).ToArray()).ToArray(),
        };
    }

    /// <summary>Every plan: cut vectors × strategy vectors × wire format per link, those whose formats the planner could choose, scored.</summary>
    private static List<(PlanChoice Choice, PlanScore Score)> Everything(StageCosts costs)
    {
        var k = costs.Problem.Devices.Count;
        var wires = Enumerable.Range(0, k - 1).Aggregate((IEnumerable<WireFormat[]>)[[]], (acc, _) => acc.SelectMany(a => WireFormats.All.Select(w => (WireFormat[])[.. a, w])));
        return SyntheticProblems.AllChoices(costs.Problem.Units, k)
            .SelectMany(c => wires.Select(w => c with { Wires = w }))
            .Where(costs.WiresConsistent)
            .Select(c => (c, PlanScore.Of(costs, c)))
            .ToList();
    }

    /// <summary>The FLOPs-only model written out: each unit FLOPs / (peak at the device's precision · ηc), nothing else changed.</summary>
    private static StageCosts FlopsModel(StageCosts costs)
    {
        var p = costs.Problem;
        var seconds = new double[p.Devices.Count][][];
        for (var d = 0; d < p.Devices.Count; d++)
        {
            var device = p.Devices[d];
            var rate = device.Peak(device.EffectivePrecision(p.Precision)) * device.ComputeEfficiency;
            seconds[d] = new double[4][];
            for (var s = 0; s < 4; s++) seconds[d][s] = p.UnitFlops[s].Select(f => f / rate).ToArray();
        }
        return new StageCosts(p with { UnitSeconds = seconds });
    }

    private static (PlanChoice Choice, PlanScore Score) Best(IEnumerable<(PlanChoice Choice, PlanScore Score)> plans, Objective objective, double lambda) =>
        TieBreak.Best(plans, x => x.Score, x => x.Choice, objective, lambda);

    private static void SamePlan((PlanChoice Choice, PlanScore Score) expected, NamedPlan actual)
    {
        Assert.Equal(expected.Choice.Cuts, actual.Choice.Cuts);
        Assert.Equal(expected.Choice.Strategies, actual.Choice.Strategies);
        Assert.Equal(expected.Choice.WireNames(), actual.Choice.WireNames());
        Assert.Equal(expected.Score.Latency, actual.Score.Latency, 12);
        Assert.Equal(expected.Score.Period, actual.Score.Period, 12);
        Assert.Equal(expected.Score.Accuracy, actual.Score.Accuracy, 12);
    }

    /// <summary>
    /// The row is one of the plans of minimal L in <paramref name="allowed"/>, and the very plan when that minimum is
    /// unique. (The DP breaks ties in L by latency and period only among the plans it keeps, as ParetoPlanner documents.)
    /// </summary>
    private static void OptimalUnder(IEnumerable<(PlanChoice Choice, PlanScore Score)> allowed, Objective objective, double lambda, NamedPlan row)
    {
        var plans = allowed.ToList();
        var min = plans.Min(x => x.Score.Loss(objective, lambda));
        var ties = plans.Where(x => TieBreak.Same(x.Score.Loss(objective, lambda), min)).ToList();
        Assert.True(TieBreak.Same(min, row.Score.Loss(objective, lambda)), $"{row.Name}: L {row.Score.Loss(objective, lambda)}, brute force {min}");
        Assert.Contains(ties, x => x.Choice.ToString() == row.Choice.ToString());
        if (ties.Count == 1) SamePlan(ties[0], row);
    }

    public static TheoryData<int, int, int, Objective, double> Problems => new()
    {
        { 1, 6, 2, Objective.Latency, 0 },
        { 2, 6, 2, Objective.Latency, 0.01 },
        { 3, 6, 2, Objective.Throughput, 0.005 },
        { 4, 5, 3, Objective.Latency, 0.02 },
        { 5, 5, 3, Objective.Throughput, 0.01 },
        { 6, 4, 3, Objective.Throughput, 0 },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void EveryRowIsTheBruteForceOptimumUnderItsRestriction(int seed, int units, int devices, Objective objective, double lambda)
    {
        var costs = new StageCosts(WithWires(seed, units, devices, objective, lambda));
        var all = Everything(costs);
        var rows = PlanSearch.Run(costs).Ablations;
        Assert.Equal([Ablations.WithoutRoofline, Ablations.WithoutDynamicStructure, Ablations.WithoutMultiObjective, Ablations.WithoutWireFormats], rows.Select(r => r.Name));

        // w/o roofline: the FLOPs-only model's pick over everything, then the best real plan at its cuts.
        var flops = FlopsModel(costs);
        var flopsPick = Best(all.Select(x => (x.Choice, PlanScore.Of(flops, x.Choice))), objective, lambda);
        Assert.Equal(flopsPick.Choice.Cuts, rows[0].Choice.Cuts);
        SamePlan(Best(all.Where(x => x.Choice.Cuts.SequenceEqual(flopsPick.Choice.Cuts)), objective, lambda), rows[0]);

        OptimalUnder(all.Where(x => x.Choice.Strategies.All(s => s == FusionStrategy.S1)), objective, lambda, rows[1]);
        OptimalUnder(all, objective, 0, rows[2]);
        OptimalUnder(all.Where(x => Enumerable.Range(0, devices - 1).All(l => x.Choice.Wire(l) == WireFormat.Fp32)), objective, lambda, rows[3]);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void NoRowBeatsTheCoDesignedPlanAndEachKeepsItsRestriction(int seed, int units, int devices, Objective objective, double lambda)
    {
        var costs = new StageCosts(WithWires(seed, units, devices, objective, lambda));
        var result = PlanSearch.Run(costs);
        var chosen = result.Chosen.Score.Loss(objective, lambda);
        Assert.All(result.Ablations, r => Assert.True(r.Score.Loss(objective, lambda) >= chosen * (1 - 1e-12), $"{r.Name}: L {r.Score.Loss(objective, lambda)} < {chosen}"));
        Assert.All(result.Ablations[1].Choice.Strategies, s => Assert.Equal(FusionStrategy.S1, s));
        Assert.All(Enumerable.Range(0, devices - 1), l => Assert.Equal(WireFormat.Fp32, result.Ablations[3].Choice.Wire(l)));
        // λ = 0 is the fastest plan of all.
        var fastest = Everything(costs).Min(x => x.Score.Time(objective));
        Assert.Equal(fastest, result.Ablations[2].Score.Time(objective), 12);
    }

    /// <summary>
    /// Two devices, three plain units at 30 ms on d0 and 1 ms on d1, 1 MB (fp32) crossing each interior cut at 100 Mbps
    /// (80 ms fp32, 40 ms fp16, 20 ms int8), a 4 MB input and 1 kB of outputs; FLOPs tiny, so a FLOPs-only model thinks
    /// compute free and keeps everything on d0 (only the outputs cross). Prior wire costs: fp16 0, int8 1.
    /// </summary>
    private static StageCosts LinkBound(double lambda)
    {
        var p = LinkModelTests.Chain([1, 1, 1], 2, [4_000_000, 1_000_000, 1_000_000, 1_000], new LinkProfile(100e6, 0), Objective.Latency, cheap: 0.001);
        var seconds = new[] { Repeat(0.030), Repeat(0.001) };
        return new StageCosts(p with
        {
            UnitSeconds = seconds,
            UnitFlops = [.. Enumerable.Range(0, 4).Select(_ => new[] { 1.0, 1.0, 1.0 })],
            Lambda = lambda,
            AllowedWires = [WireFormats.All],
            WireBytes = [[4_000_000, 1_000_000, 1_000_000, 1_000], [4_000_000, 500_000, 500_000, 1_000], [4_000_000, 250_000, 250_000, 1_000]],
            EarliestProducer = [int.MaxValue, 0, 1, int.MaxValue],
        });

        static double[][] Repeat(double s) => [.. Enumerable.Range(0, 4).Select(_ => new[] { s, s, s })];
    }

    [Fact]
    public void OnALinkBoundChainTheWireDecidesAndEachRowLosesWhatItRemoved()
    {
        var result = PlanSearch.Run(LinkBound(lambda: 0));
        // Co-designed: cut after u0 in int8, 30 + 20 + 2 ms.
        Assert.Equal([0], result.Chosen.Choice.Cuts);
        Assert.Equal(WireFormat.Int8, result.Chosen.Choice.Wire(0));
        Assert.Equal(0.052, result.Chosen.Score.Latency, 9);
        var rows = result.Ablations.ToDictionary(r => r.Name);
        // fp32 on the wire: the cut costs 80 ms, so everything stays on d0 (90 ms + the outputs' 0.08 ms).
        Assert.Equal([2], rows[Ablations.WithoutWireFormats].Choice.Cuts);
        Assert.Equal(0.09008, rows[Ablations.WithoutWireFormats].Score.Latency, 9);
        // FLOPs only: compute looks free, so the least bytes on the link wins: everything on d0.
        Assert.Equal([2], rows[Ablations.WithoutRoofline].Choice.Cuts);
        Assert.True(rows[Ablations.WithoutRoofline].Score.Latency > result.Chosen.Score.Latency);
    }

    [Fact]
    public void WithAPriceOnAccuracyTheCoDesignSendsFp16AndOnlyTheTimeOnlyRowSendsInt8()
    {
        // λ = 1 s per unit of A: int8's prior cost 1 adds 1 s, fp16's 0 nothing (30 + 40 + 2 = 72 ms < 90.08 ms on d0).
        var result = PlanSearch.Run(LinkBound(lambda: 1));
        Assert.Equal(WireFormat.Fp16, result.Chosen.Choice.Wire(0));
        Assert.Equal(0.072, result.Chosen.Score.Latency, 9);
        var timeOnly = result.Ablations.Single(r => r.Name == Ablations.WithoutMultiObjective);
        Assert.Equal(WireFormat.Int8, timeOnly.Choice.Wire(0));
        Assert.Equal(1.0, timeOnly.Score.Accuracy, 12);
    }

    [Fact]
    public void WithoutWireChoicesTheWireRowIsTheCoDesignedPlan()
    {
        var costs = new StageCosts(SyntheticProblems.Random(7, 6, 2, Objective.Latency, 0.01));
        var result = PlanSearch.Run(costs);
        var row = result.Ablations.Single(r => r.Name == Ablations.WithoutWireFormats);
        Assert.Equal(result.Chosen.Choice.Cuts, row.Choice.Cuts);
        Assert.Equal(result.Chosen.Choice.Strategies, row.Choice.Strategies);
        Assert.Equal(result.Chosen.Score.Latency, row.Score.Latency, 12);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void BeyondTheEnumerationBoundTheSearchAtFixedCutsFindsTheSameL(int seed, int units, int devices, Objective objective, double lambda)
    {
        var costs = new StageCosts(WithWires(seed, units, devices, objective, lambda));
        foreach (var cuts in SyntheticProblems.AllChoices(units, devices).Select(c => c.Cuts).DistinctBy(c => string.Join(",", c)))
        {
            var enumerated = FixedCuts.Best(costs, cuts);
            var searched = FixedCuts.Best(costs, cuts, maxEnumerated: 0);
            Assert.Equal(cuts, searched.Choice.Cuts);
            Assert.True(costs.WiresConsistent(searched.Choice));
            Assert.True(TieBreak.Same(enumerated.Score.Loss(objective, lambda), searched.Score.Loss(objective, lambda)),
                $"cuts {string.Join(",", cuts)}: enumerated L {enumerated.Score.Loss(objective, lambda)}, searched {searched.Score.Loss(objective, lambda)}");
        }
    }

    [Fact]
    public void TheFlopsOnlyModelChargesFlopsOverPeakTimesEfficiency()
    {
        var costs = LinkBound(0);
        var flops = Ablations.FlopsOnly(costs);
        var d = costs.Problem.Devices[0];
        var expected = 3.0 / (d.Peak(costs.Problem.PrecisionOn(0)) * d.ComputeEfficiency);
        Assert.Equal(1.0, flops.Stage(0, FusionStrategy.S1, 0, 2) / expected, 12);
        Assert.Equal(costs.LinkBusy(0, 0), flops.LinkBusy(0, 0));
    }
}
