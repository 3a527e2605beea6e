using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Probing;

namespace OnnxCoDesign.Compiler.Devices.Import;

/// <summary>A fitted compute efficiency: its op type (the kernel's efficiency class), the kernels and FLOPs behind it.</summary>
public sealed record ClassFit(string OpType, double Efficiency, int Kernels, double Flops, bool Clamped);

/// <summary>
/// The device figures that best explain measured kernel times. <see cref="MemoryEfficiency"/> is null (and a
/// class absent) where no kernel bound by it was measured: the starting profile's figure stands.
/// </summary>
public sealed record KernelFit(
    double Overhead,
    bool OverheadFitted,
    double? MemoryEfficiency,
    int MemoryKernels,
    bool MemoryClamped,
    IReadOnlyList<ClassFit> Classes,
    double RelativeRms,
    int Rounds);

/// <summary>
/// Fits per-kernel overhead, compute efficiency per op type and memory efficiency to measured group times,
/// with the kernel cost model's own form for each group g of kernels (one kernel, mostly):
/// <code>
///   t_g = n_g·o + Σ_{k∈g, compute-bound} F_k·a_op(k) + Σ_{k∈g, memory-bound} B_k·s·m
///   a_op = 1/(P·ηc(op)),  m = 1/(B·ηm),  s = bytes scale of the precision (½ at fp16)
/// </code>
/// which is linear in (o, a_op…, m) once each kernel's bound is known. Starting from the given profile's
/// figures, each round classifies every kernel by the larger of its two terms, solves the weighted least
/// squares (weights 1/t_g, so a 20 µs kernel counts as much as a 2 ms one, in relative error), and repeats
/// until no kernel changes side. A negative overhead is fixed at 0, one the data cannot separate from the
/// rest (a single group) at the starting figure, a non-positive coefficient at the starting figure, and the
/// rest refitted. Times made by that model are recovered exactly.
/// </summary>
public static class KernelProfileFit
{
    public const int MaxRounds = 20;

    public static KernelFit Run(IReadOnlyList<(IReadOnlyList<Kernel> Kernels, double Seconds)> groups, DeviceProfile start, Precision precision)
    {
        var peak = start.Peak(precision);
        var scale = RooflineTime.BytesScale(precision);
        double StartA(string op) => 1 / (peak * start.ComputeEfficiencyFor(op));
        var startM = 1 / (start.MemoryBandwidth * start.MemoryEfficiency);
        var rows = groups.Where(g => g.Seconds > 0 && g.Kernels.Any(k => !k.IsFree)).Select(g => (Kernels: g.Kernels.Where(k => !k.IsFree).ToList(), g.Seconds)).ToList();

        var a = new Dictionary<string, double>(StringComparer.Ordinal);
        double A(string op) => a.TryGetValue(op, out var v) ? v : StartA(op);
        var m = startM;
        var o = start.KernelOverhead;
        var fittedM = false;
        var overheadFitted = false;
        bool Compute(Kernel k) => k.Flops is { } f && f > 0 && f * A(k.OpType) >= k.MemoryBytes * scale * m;

        var bounds = rows.Select(r => r.Kernels.Select(Compute).ToArray()).ToList();
        var rounds = 0;
        while (rounds++ < MaxRounds)
        {
            var solved = Solve(rows, bounds, scale, StartA, startM, start.KernelOverhead);
            a = solved.A;
            (m, fittedM) = solved.M is { } fm ? (fm, true) : (startM, false);
            (o, overheadFitted) = (solved.O, solved.OverheadFitted);
            var next = rows.Select(r => r.Kernels.Select(Compute).ToArray()).ToList();
            if (next.Zip(bounds).All(x => x.First.SequenceEqual(x.Second))) break;
            bounds = next;
        }
        rounds = Math.Min(rounds, MaxRounds);

        var classes = a.Keys.Order(StringComparer.Ordinal).Select(op =>
        {
            var raw = 1 / (a[op] * peak);
            var members = rows.SelectMany((r, i) => r.Kernels.Where((k, j) => bounds[i][j] && k.OpType == op)).ToList();
            return new ClassFit(op, Clamp(raw), members.Count, members.Sum(k => (double)k.Flops!.Value), raw > 1);
        }).ToList();
        var rawMemory = 1 / (m * start.MemoryBandwidth);
        var memoryKernels = rows.Select((r, i) => bounds[i].Count(b => !b)).Sum();

        // How well the profile that will be written (efficiencies clamped) reproduces the groups.
        var effA = classes.ToDictionary(c => c.OpType, c => 1 / (peak * c.Efficiency), StringComparer.Ordinal);
        var effM = fittedM ? 1 / (start.MemoryBandwidth * Clamp(rawMemory)) : startM;
        var errors = rows.Select(r =>
        {
            var predicted = r.Kernels.Count * o + r.Kernels.Sum(k =>
                Math.Max((k.Flops ?? 0) * (effA.TryGetValue(k.OpType, out var ea) ? ea : StartA(k.OpType)), k.MemoryBytes * scale * effM));
            return (predicted - r.Seconds) / r.Seconds;
        }).ToList();
        var rms = errors.Count == 0 ? 0 : Math.Sqrt(errors.Average(e => e * e));

        return new KernelFit(o, overheadFitted, fittedM ? Clamp(rawMemory) : null, fittedM ? memoryKernels : 0, fittedM && rawMemory > 1, classes, rms, rounds);
    }

    private static double Clamp(double efficiency) => OperatorEfficiencyFit.Round(Math.Clamp(efficiency, OperatorEfficiencyFit.Floor, 1.0));

    private sealed record Solution(double O, bool OverheadFitted, Dictionary<string, double> A, double? M);

    /// <summary>One classification's least squares, dropping the overhead or a coefficient that comes out non-positive.</summary>
    private static Solution Solve(List<(List<Kernel> Kernels, double Seconds)> rows, List<bool[]> bounds, double scale, Func<string, double> startA, double startM, double startO)
    {
        var fixedOps = new HashSet<string>(StringComparer.Ordinal);
        var fitO = true;
        var fixedO = startO; // where the data cannot tell the overhead apart; 0 where it comes out negative
        var fitM = true;
        for (var attempt = 0; ; attempt++)
        {
            var ops = rows.SelectMany((r, i) => r.Kernels.Where((k, j) => bounds[i][j]).Select(k => k.OpType)).Distinct().Where(op => !fixedOps.Contains(op)).Order(StringComparer.Ordinal).ToList();
            var useM = fitM && bounds.Any(b => b.Any(x => !x));
            var columns = (fitO ? 1 : 0) + ops.Count + (useM ? 1 : 0);
            if (columns == 0) return new Solution(fixedO, false, [], null);
            var x = new double[rows.Count, columns];
            var y = new double[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                var (kernels, seconds) = rows[i];
                y[i] = seconds;
                if (fitO) x[i, 0] = kernels.Count;
                else y[i] -= kernels.Count * fixedO;
                for (var j = 0; j < kernels.Count; j++)
                {
                    var k = kernels[j];
                    if (bounds[i][j])
                    {
                        var col = ops.IndexOf(k.OpType);
                        if (col >= 0) x[i, (fitO ? 1 : 0) + col] += k.Flops!.Value;
                        else y[i] -= k.Flops!.Value * startA(k.OpType);
                    }
                    else if (useM) x[i, columns - 1] += k.MemoryBytes * scale;
                    else y[i] -= k.MemoryBytes * scale * startM;
                }
            }
            var beta = LeastSquares.Weighted(x, y, rows.Select(r => 1 / r.Seconds).ToArray());
            if (beta is null)
            {
                // Not identifiable: the overhead goes first, then the class with the fewest kernels.
                if (fitO) fitO = false;
                else if (ops.Count > 0) fixedOps.Add(ops.OrderBy(op => rows.SelectMany((r, i) => r.Kernels.Where((k, j) => bounds[i][j] && k.OpType == op)).Count()).First());
                else if (useM) fitM = false;
                continue;
            }
            if (fitO && beta[0] < 0)
            {
                (fitO, fixedO) = (false, 0);
                continue;
            }
            var bad = ops.Where((op, j) => beta[(fitO ? 1 : 0) + j] <= 0).ToList();
            if (bad.Count > 0)
            {
                fixedOps.UnionWith(bad);
                continue;
            }
            if (useM && beta[columns - 1] <= 0)
            {
                fitM = false;
                continue;
            }
            var a = ops.Select((op, j) => (op, beta[(fitO ? 1 : 0) + j])).ToDictionary(p => p.op, p => p.Item2, StringComparer.Ordinal);
            return new Solution(fitO ? beta[0] : fixedO, fitO, a, useM ? beta[columns - 1] : null);
        }
    }
}
