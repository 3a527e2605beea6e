using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>Small random planning problems (seeded) for checking the optimizer against brute force.</summary>
internal static class SyntheticProblems
{
    public static DeviceProfile Device(string name, double peak, double bandwidth) => new()
    {
        Name = name, DisplayName = name, PeakFp32 = peak / 2, PeakFp16 = peak, PeakInt8 = peak * 2, MemoryBandwidth = bandwidth,
    };

    /// <param name="blockShare">The chance that a unit is a block (0: a plain chain, where strategies change nothing).</param>
    public static PlanningProblem Random(int seed, int units, int devices, Objective objective, double lambda, double blockShare = 0.5)
    {
        var r = new Random(seed);
        var isBlock = Enumerable.Range(0, units).Select(_ => r.NextDouble() < blockShare).ToArray();
        double[] Row(double scale) => Enumerable.Range(0, units).Select(_ => r.NextDouble() * scale).ToArray();
        var baseFlops = Row(1e9);
        // A fused strategy is cheaper: S1 < S2, S3 < S4 on blocks; non-blocks cost the same in every strategy.
        var flops = Enumerable.Range(0, 4).Select(s => baseFlops.Select((f, i) => isBlock[i] ? f * (0.7 + 0.1 * s) : f).ToArray()).ToArray();
        // Per-unit overheads differ by device and, for blocks only, by strategy (as in real models).
        var seconds = Enumerable.Range(0, devices).Select(d =>
        {
            var overhead = Row(1e-4);
            return Enumerable.Range(0, 4).Select(s => flops[s].Select((f, i) => f / (1e11 * (d + 1)) + overhead[i] * (isBlock[i] ? 1 + 0.2 * s : 1)).ToArray()).ToArray();
        }).ToArray();
        return new PlanningProblem
        {
            UnitNames = Enumerable.Range(0, units).Select(i => $"u{i}").ToList(),
            IsBlock = isBlock,
            UnitSeconds = seconds,
            UnitFlops = flops,
            UnitPaperBytes = Enumerable.Range(0, 4).Select(_ => Row(1e7)).ToArray(),
            BaseFlops = baseFlops,
            BoundaryBytes = Enumerable.Range(0, units + 1).Select(_ => (long)(r.NextDouble() * 2e6)).ToArray(),
            Devices = Enumerable.Range(0, devices).Select(d => Device($"d{d}", 1e11 * (d + 1), 1e10)).ToList(),
            Precision = Precision.Fp16,
            Link = new LinkProfile(100e6, 0.002),
            Objective = objective,
            Lambda = lambda,
        };
    }

    /// <summary>
    /// A problem of small whole numbers (seconds 1–3 per unit, FLOPs 1–2, transfers 0–2 s), so that many
    /// plans tie exactly in time and in accuracy: it exercises the planner's order among equal plans.
    /// </summary>
    public static PlanningProblem Tied(int seed, int units, int devices, Objective objective, double lambda)
    {
        var r = new Random(seed);
        var isBlock = Enumerable.Range(0, units).Select(_ => r.Next(2) == 0).ToArray();
        double[] Whole(int from, int to) => Enumerable.Range(0, units).Select(_ => (double)r.Next(from, to + 1)).ToArray();
        var baseFlops = Whole(1, 2);
        var flops = Enumerable.Range(0, 4).Select(s => baseFlops.Select((f, i) => isBlock[i] && s < 2 ? f - 0.5 : f).ToArray()).ToArray();
        var seconds = Enumerable.Range(0, devices).Select(_ =>
        {
            var row = Whole(1, 3);
            return Enumerable.Range(0, 4).Select(s => row.Select((t, i) => isBlock[i] ? t + (s == 3 ? 1 : 0) : t).ToArray()).ToArray();
        }).ToArray();
        return new PlanningProblem
        {
            UnitNames = Enumerable.Range(0, units).Select(i => $"u{i}").ToList(),
            IsBlock = isBlock,
            UnitSeconds = seconds,
            UnitFlops = flops,
            UnitPaperBytes = flops,
            BaseFlops = baseFlops,
            // 8 bits per second: a transfer of b bytes takes b seconds.
            BoundaryBytes = Enumerable.Range(0, units + 1).Select(_ => (long)r.Next(0, 3)).ToArray(),
            Devices = Enumerable.Range(0, devices).Select(d => Device($"d{d}", 1e11, 1e10)).ToList(),
            Precision = Precision.Fp16,
            Link = new LinkProfile(8, 0),
            Objective = objective,
            Lambda = lambda,
        };
    }

    /// <summary>Every cut vector and strategy assignment, scored directly.</summary>
    public static IEnumerable<PlanChoice> AllChoices(int units, int devices)
    {
        foreach (var cuts in Cuts(units, devices - 1, -1))
        {
            foreach (var strategies in Assignments(devices)) yield return new PlanChoice(cuts, strategies);
        }
    }

    private static IEnumerable<int[]> Cuts(int units, int count, int from)
    {
        if (count == 0) { yield return []; yield break; }
        for (var c = from; c < units; c++)
        {
            foreach (var rest in Cuts(units, count - 1, c)) yield return [c, .. rest];
        }
    }

    /// <summary>Every strategy vector of that length, in lexicographic order (part 0 most significant).</summary>
    public static IEnumerable<FusionStrategy[]> Assignments(int parts) =>
        parts == 0 ? [[]] : Assignments(parts - 1).SelectMany(a => Enum.GetValues<FusionStrategy>().Select(s => (FusionStrategy[])[.. a, s]));
}
