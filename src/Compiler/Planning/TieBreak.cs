namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// The one order every plan choice follows (the optimum, the front's order, the sweep's best strategies):
/// lower L = T + λ·A → lower latency → lower period → fewer kept branches (S1 0, S2 1, S3 1, S4 2 per part
/// with blocks) → earlier cut (the cuts compared from the first link on) → wider wire (fp32, fp16, int8, from
/// the first link on: the exact format where the figures cannot tell). Reals compare with a relative
/// epsilon of 1e-12, so floating noise in a sum does not decide between plans that are equal.
/// <para>
/// Math: a ≈ b ⇔ |a − b| ≤ 1e-12 · max(|a|, |b|). Each level keeps the candidates within ε of the best
/// at that level, then the next level decides among them (a sequential filter, so no non-transitive
/// comparer is ever handed to a sort).
/// </para>
/// </summary>
public static class TieBreak
{
    public const double RelativeEpsilon = 1e-12;

    public static bool Same(double a, double b) => a == b || Math.Abs(a - b) <= RelativeEpsilon * Math.Max(Math.Abs(a), Math.Abs(b));

    /// <summary>The first of <paramref name="items"/> in the tie-break order.</summary>
    public static T Best<T>(IEnumerable<T> items, Func<T, PlanScore> score, Func<T, PlanChoice> choice, Objective objective, double lambda)
    {
        var left = items.ToList();
        if (left.Count == 0) throw new ArgumentException("no plan to choose from", nameof(items));
        left = Keep(left, x => score(x).Loss(objective, lambda));
        left = Keep(left, x => score(x).Latency);
        left = Keep(left, x => score(x).Period);
        left = Keep(left, x => score(x).KeptBranches);
        return left.OrderBy(x => choice(x).Cuts, CutOrder.Instance)
            .ThenBy(x => Enumerable.Range(0, choice(x).Cuts.Length).Select(l => (int)choice(x).Wire(l)).ToArray(), CutOrder.Instance).First();
    }

    /// <summary><paramref name="items"/> sorted by the tie-break order (for the front's listing).</summary>
    public static List<T> Order<T>(IEnumerable<T> items, Func<T, PlanScore> score, Func<T, PlanChoice> choice, Objective objective, double lambda)
    {
        var left = items.ToList();
        var ordered = new List<T>(left.Count);
        while (left.Count > 0)
        {
            var best = Best(left, score, choice, objective, lambda);
            ordered.Add(best);
            left.Remove(best);
        }
        return ordered;
    }

    private static List<T> Keep<T>(List<T> items, Func<T, double> key)
    {
        var min = items.Min(key);
        return items.Where(x => Same(key(x), min)).ToList();
    }

    private sealed class CutOrder : IComparer<int[]>
    {
        public static CutOrder Instance { get; } = new();

        public int Compare(int[]? a, int[]? b)
        {
            for (var i = 0; i < Math.Min(a!.Length, b!.Length); i++)
            {
                if (a[i] != b[i]) return a[i].CompareTo(b[i]);
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}
