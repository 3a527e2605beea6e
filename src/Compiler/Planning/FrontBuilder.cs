using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// Collects the candidate (time, accuracy) entries of one DP state and yields its Pareto front: exactly
/// what sorting every candidate by (time, accuracy) — stably, so among equal pairs the first added comes
/// first — and keeping each whose accuracy is more than 1e-15 below the last one kept yields, without
/// holding every candidate (a state of the planner has units × strategies × front size of them).
/// <para>
/// Why dropping early changes nothing: a candidate x with an earlier one y in that order (y sorts before x,
/// or ties and was added first) and acc(y) ≤ acc(x) can never be kept — when x's turn comes, the last kept
/// accuracy is at most acc(y) + 1e-15 (y was kept, or was dropped against it), and x needs to be below
/// that minus 1e-15 — and a dropped candidate changes nothing for the rest. So the builder keeps only a
/// staircase (times strictly rising, accuracies strictly falling), O(log front) per candidate, and runs the
/// keep rule over it at the end. Candidates with a NaN figure order oddly (the comparer sorts NaN first), so
/// they bypass the staircase and are merged back, in the same order, before the keep rule.
/// </para>
/// </summary>
internal sealed class FrontBuilder
{
    private readonly List<Candidate> _stair = [];
    private readonly List<Candidate> _odd = [];
    private long _added;

    private readonly record struct Candidate(double Time, double Accuracy, ParetoEntry? Previous, FusionStrategy Strategy, long Order);

    public void Add(double time, double accuracy, ParetoEntry? previous, FusionStrategy strategy)
    {
        var order = _added++;
        if (double.IsNaN(time) || double.IsNaN(accuracy))
        {
            _odd.Add(new Candidate(time, accuracy, previous, strategy, order));
            return;
        }
        var pos = UpperBound(time, accuracy);
        // Every candidate before pos sorts before x; the last of them has the least accuracy of them all.
        if (pos > 0 && _stair[pos - 1].Accuracy <= accuracy) return;
        var x = new Candidate(time, accuracy, previous, strategy, order);
        var end = pos;
        while (end < _stair.Count && _stair[end].Accuracy >= accuracy) end++;
        if (end == pos) _stair.Insert(pos, x);
        else
        {
            // x takes the place of the first candidate it beats; the others it beats go.
            _stair[pos] = x;
            if (end > pos + 1) _stair.RemoveRange(pos + 1, end - pos - 1);
        }
    }

    /// <summary>The front of what was added (time rising, accuracy falling), then empties the builder.</summary>
    public List<ParetoEntry> Build(int end)
    {
        IEnumerable<Candidate> ordered = _stair;
        if (_odd.Count > 0)
        {
            ordered = _stair.Concat(_odd).OrderBy(c => c.Time).ThenBy(c => c.Accuracy).ThenBy(c => c.Order).ToList();
        }
        var kept = new List<ParetoEntry>();
        foreach (var c in ordered)
        {
            if (kept.Count == 0 || c.Accuracy < kept[^1].Accuracy - 1e-15) kept.Add(new ParetoEntry(c.Time, c.Accuracy, c.Previous, end, c.Strategy));
        }
        _stair.Clear();
        _odd.Clear();
        _added = 0;
        return kept;
    }

    /// <summary>The first staircase position whose (time, accuracy) is above x's: x goes after its equals.</summary>
    private int UpperBound(double time, double accuracy)
    {
        var (lo, hi) = (0, _stair.Count);
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var m = _stair[mid];
            var c = m.Time.CompareTo(time);
            if (c == 0) c = m.Accuracy.CompareTo(accuracy);
            if (c > 0) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }
}

/// <summary>One DP entry: the figures of the parts so far, the previous part's entry, where this part ends and its strategy.</summary>
internal sealed record ParetoEntry(double Time, double Accuracy, ParetoEntry? Previous, int End, FusionStrategy Strategy);
