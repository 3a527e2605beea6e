using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>
/// Wire formats as a co-design variable: the DP over cuts × strategies × per-link formats finds what scoring every
/// plan (every cut, strategy and format vector the constraints allow) finds; bytes and accuracy follow the format;
/// links that carry a common tensor keep one format; which formats a link may carry.
/// </summary>
public sealed class WirePlannerTests
{
    /// <summary>A random problem with wire facts: convertible boundaries (fp16 half, int8 a quarter of their float bytes), shared tensors, measured costs, per-link formats.</summary>
    private static PlanningProblem WithWires(PlanningProblem p, int seed, bool allFormats = false)
    {
        var r = new Random(seed * 7919);
        var n = p.Units;
        var earliest = Enumerable.Repeat(int.MaxValue, n + 1).ToArray();
        var bytes = WireFormats.All.Select(_ => (long[])p.BoundaryBytes.Clone()).ToArray();
        for (var b = 0; b < n - 1; b++)
        {
            if (r.NextDouble() < 0.2) continue; // nothing convertible here (e.g. only int64 shape tensors cross)
            var floatBytes = p.BoundaryBytes[b + 1] / 4 * 4;
            bytes[1][b + 1] -= floatBytes / 2;
            bytes[2][b + 1] -= floatBytes / 4 * 3;
            // A tensor produced this many units back also crosses the boundaries before (a skip connection).
            earliest[b + 1] = Math.Max(0, b - r.Next(0, 3));
        }
        var accuracy = WireFormats.All.Select(w => Enumerable.Range(0, n + 1).Select(_ => w == WireFormat.Fp32 ? 0 : r.NextDouble() * (w == WireFormat.Int8 ? 3 : 0.5)).ToArray()).ToArray();
        var allowed = Enumerable.Range(0, p.Devices.Count - 1).Select(_ => (IReadOnlyList<WireFormat>)(allFormats ? WireFormats.All.ToList()
            : WireFormats.All.Where(w => w == WireFormat.Fp32 || r.NextDouble() < 0.7).ToList())).ToList();
        return p with { WireBytes = bytes, EarliestProducer = earliest, WireAccuracyCost = accuracy, AllowedWires = allowed };
    }

    /// <summary>Every cut, strategy and wire vector the planner may choose, scored directly.</summary>
    private static List<(PlanChoice Choice, PlanScore Score)> Everything(StageCosts costs, int units, int devices)
    {
        var all = new List<(PlanChoice, PlanScore)>();
        foreach (var c in SyntheticProblems.AllChoices(units, devices))
        {
            foreach (var wires in Vectors(devices - 1))
            {
                var choice = c with { Wires = wires };
                if (costs.WiresConsistent(choice)) all.Add((choice, PlanScore.Of(costs, choice)));
            }
        }
        return all;
    }

    private static IEnumerable<WireFormat[]> Vectors(int links) =>
        links == 0 ? [[]] : Vectors(links - 1).SelectMany(v => WireFormats.All.Select(w => (WireFormat[])[.. v, w]));

    [Theory]
    [MemberData(nameof(ParetoPlannerTests.Cases), MemberType = typeof(ParetoPlannerTests))]
    [InlineData(5, 5, 4, Objective.Throughput, 0.001)]
    public void OptimumAndFrontEqualBruteForceOverWires(int seed, int units, int devices, Objective objective, double lambda)
    {
        var costs = new StageCosts(WithWires(SyntheticProblems.Random(seed, units, devices, objective, lambda), seed));
        var all = Everything(costs, units, devices);
        var best = ParetoPlanner.Best(ParetoPlanner.Candidates(costs), objective, lambda);
        Assert.Equal(all.Min(x => x.Score.Loss(objective, lambda)), best.Score.Loss(objective, lambda), 12);
        Assert.True(costs.WiresConsistent(best.Choice), best.Choice.ToString());
        var front = ParetoPlanner.Front(costs);
        var scores = all.Select(x => x.Score).ToList();
        var nonDominated = scores.Where(s => !scores.Any(o => o.Time(objective) <= s.Time(objective) - 1e-12 && o.Accuracy <= s.Accuracy + 1e-12
                                                          || o.Time(objective) <= s.Time(objective) + 1e-12 && o.Accuracy <= s.Accuracy - 1e-12))
            .Select(s => Math.Round(s.Accuracy, 9)).Distinct().Order().ToList();
        Assert.Equal(nonDominated, front.Select(p => Math.Round(p.Score.Accuracy, 9)).Order().ToList());
    }

    [Fact]
    public void TheWireSearchIsNeverWorseThanFp32AndPicksANarrowerFormatWhenTheLinkBinds()
    {
        // Two equal devices and a slow link: at λ = 0 only the bytes matter, so a lossy format wins wherever a cut is taken.
        var p = SyntheticProblems.Random(11, 8, 2, Objective.Throughput, 0) with { Link = new LinkProfile(10e6, 0) };
        var costs = new StageCosts(WithWires(p, 11, allFormats: true));
        var fp32 = PlanSearch.WithoutWireFormats(costs);
        var withWire = ParetoPlanner.Best(ParetoPlanner.Candidates(costs), Objective.Throughput, 0);
        var without = ParetoPlanner.Best(ParetoPlanner.Candidates(fp32), Objective.Throughput, 0);
        Assert.True(withWire.Score.Period <= without.Score.Period);
        Assert.All(without.Choice.Wires, w => Assert.Equal(WireFormat.Fp32, w));
        var cut = withWire.Choice.Cuts[0];
        if (costs.Convertible(cut))
        {
            Assert.Equal(WireFormat.Int8, withWire.Choice.Wire(0));
            Assert.Equal(costs.Problem.WireBytes![2][cut + 1], costs.LinkBytes(0, cut, withWire.Choice.Wire(0)));
        }
    }

    [Fact]
    public void BytesFollowTheFormatOnlyAtInteriorConvertibleBoundaries()
    {
        var costs = new StageCosts(WithWires(SyntheticProblems.Random(3, 6, 2, Objective.Latency, 0), 3, allFormats: true));
        var p = costs.Problem;
        for (var b = -1; b < p.Units; b++)
        {
            foreach (var w in WireFormats.All)
            {
                var expected = b >= 0 && b < p.Units - 1 ? p.WireBytes![(int)w][b + 1] : p.BoundaryBytes[b + 1];
                Assert.Equal(expected, costs.LinkBytes(0, b, w));
            }
            var choices = costs.WireChoices(0, b);
            Assert.Equal(b >= 0 && b < p.Units - 1 && p.EarliestProducer![b + 1] != int.MaxValue ? 3 : 1, choices.Count);
            Assert.Equal(0, costs.WireAccuracy(b, WireFormat.Fp32));
        }
    }

    [Fact]
    public void ARelayForwardsInTheSameFormatAndItsRoundingCountsOnce()
    {
        // Three devices, the middle one relaying boundary 2: both links carry boundary 2's tensors.
        var p = WithWires(SyntheticProblems.Random(8, 6, 3, Objective.Latency, 0.01), 8, allFormats: true);
        p = p with { EarliestProducer = p.EarliestProducer!.Select((e, i) => i == 3 ? 2 : e).ToArray() };
        var costs = new StageCosts(p);
        var relay = new PlanChoice([2, 2], [FusionStrategy.S1, FusionStrategy.S1, FusionStrategy.S1]);
        Assert.False(costs.WiresConsistent(relay with { Wires = [WireFormat.Fp16, WireFormat.Int8] }));
        Assert.True(costs.WiresConsistent(relay with { Wires = [WireFormat.Int8, WireFormat.Int8] }));
        var fp32 = PlanScore.Of(costs, relay);
        var int8 = PlanScore.Of(costs, relay with { Wires = [WireFormat.Int8, WireFormat.Int8] });
        Assert.Equal(fp32.Accuracy + p.WireAccuracyCost![2][3], int8.Accuracy, 12);
        // Both links carry the int8 bytes.
        Assert.Equal(p.Link.TransferSeconds(p.WireBytes![2][3]), int8.TransferSeconds[1], 12);
        Assert.Equal(int8.TransferSeconds[0], int8.TransferSeconds[1], 12);
    }

    [Fact]
    public void ATieBetweenFormatsGoesToTheWiderOne()
    {
        // Every format costs the same bytes and nothing in accuracy: the plan must say fp32.
        var p = SyntheticProblems.Random(2, 5, 2, Objective.Latency, 0);
        var flat = WireFormats.All.Select(_ => (long[])p.BoundaryBytes.Clone()).ToArray();
        p = p with
        {
            WireBytes = flat,
            EarliestProducer = Enumerable.Range(0, p.Units + 1).Select(i => Math.Max(0, i - 1)).ToArray(),
            WireAccuracyCost = WireFormats.All.Select(_ => new double[p.Units + 1]).ToArray(),
            AllowedWires = [WireFormats.All.ToList()],
        };
        var costs = new StageCosts(p);
        var best = ParetoPlanner.Best(ParetoPlanner.Candidates(costs), Objective.Latency, 0);
        Assert.Equal(WireFormat.Fp32, best.Choice.Wire(0));
    }

    private static DeviceProfile Catalog(string name) => DeviceCatalog.Resolve(name);

    [Fact]
    public void AutoOffersWhatBothDevicesRunAndInt8OnlyWithCalibration()
    {
        var nanoNx = WirePolicy.Allowed([Catalog("jetson-nano"), Catalog("jetson-xavier-nx")], null, calibrated: true)!;
        Assert.Equal([WireFormat.Fp32, WireFormat.Fp16], nanoNx.Single());
        var nx4090 = WirePolicy.Allowed([Catalog("jetson-xavier-nx"), Catalog("rtx-4090")], null, calibrated: true)!;
        Assert.Equal([WireFormat.Fp32, WireFormat.Fp16, WireFormat.Int8], nx4090.Single());
        var uncalibrated = WirePolicy.Allowed([Catalog("jetson-xavier-nx"), Catalog("rtx-4090")], null, calibrated: false)!;
        Assert.Equal([WireFormat.Fp32, WireFormat.Fp16], uncalibrated.Single());
        // The Raspberry Pi's CPU path has int8 but no fp16: its link to the Orin offers int8 with data, else nothing but fp32.
        Assert.Equal([WireFormat.Fp32, WireFormat.Int8], WirePolicy.Allowed([Catalog("raspberry-pi-5"), Catalog("jetson-orin-nano")], null, calibrated: true)!.Single());
        Assert.Null(WirePolicy.Allowed([Catalog("raspberry-pi-5"), Catalog("jetson-orin-nano")], null, calibrated: false));
        Assert.Null(WirePolicy.Allowed([Catalog("jetson-xavier-nx"), Catalog("rtx-4090")], WireFormat.Fp32, calibrated: true));
    }

    [Fact]
    public void AForcedFormatADeviceLacksIsRefusedNamingIt()
    {
        var e = Assert.Throws<CodesignException>(() => WirePolicy.Allowed([Catalog("jetson-nano"), Catalog("jetson-xavier-nx")], WireFormat.Int8, calibrated: true));
        Assert.Equal(ErrorCodes.WireUnsupported, e.Code);
        Assert.Contains("jetson-nano", e.Message);
        var noData = Assert.Throws<CodesignException>(() => WirePolicy.Allowed([Catalog("jetson-xavier-nx"), Catalog("rtx-4090")], WireFormat.Int8, calibrated: false));
        Assert.Equal(ErrorCodes.Int8NeedsCalibration, noData.Code);
        var forced = WirePolicy.Allowed([Catalog("jetson-nano"), Catalog("jetson-xavier-nx"), Catalog("rtx-4090")], WireFormat.Fp16, calibrated: false)!;
        Assert.All(forced, f => Assert.Equal([WireFormat.Fp16], f));
    }
}
