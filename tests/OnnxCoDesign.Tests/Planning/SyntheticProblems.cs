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

    public static PlanningProblem Random(int seed, int units, int devices, Objective objective, double lambda)
    {
        var r = new Random(seed);
        var isBlock = Enumerable.Range(0, units).Select(_ => r.NextDouble() < 0.5).ToArray();
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

    private static IEnumerable<int[]> Assignments(int parts) =>
        parts == 0 ? [[]] : Assignments(parts - 1).SelectMany(a => Enumerable.Range(0, 4).Select(s => (int[])[.. a, s]));
}
