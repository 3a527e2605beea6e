using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// Collects the candidate entries of one DP state — (T, A, B, U): the objective's time, the accuracy cost,
/// the kept branches and the other time measure (period under the latency objective, latency under
/// throughput) — and yields those no other candidate dominates in (T, A, B): y dominates x when it is no
/// worse in all three (exact comparisons); among candidates equal in all three, the one with the lower U
/// stays (then the first added). T, A and B extend monotonically (sums and maxima), so a dominated prefix
/// never ends a better plan: the final set holds the (T, A) front, and at λ = 0 a plan with fewer kept
/// branches at the same time (S1 where S4 costs as much) is never lost to one with a lower A.
/// U is a tie-key only, not a dimension: a (period, latency) front can grow with every unit of a long
/// chain, and planning must stay polynomial.
/// Wire formats add a constraint, not a dimension: an entry whose next link must carry a given format (it
/// forwards a tensor the link into it carried) is dominated only by a free entry or one with the same
/// constraint, since a constrained prefix cannot end every plan a free one can.
/// <para>
/// Sorted by (T, A, B, U, order added), a candidate can only be dominated by one before it, so one pass
/// checking each against the kept ones suffices: O(c log c + c · kept). Candidates with a NaN figure are
/// never dominated and never dominate (they are kept, in the same order).
/// </para>
/// </summary>
internal sealed class FrontBuilder
{
    private readonly List<Candidate> _all = [];

    private readonly record struct Candidate(double Time, double Accuracy, double Other, int Branches, ParetoEntry? Previous, FusionStrategy Strategy,
        WireFormat Wire, WireFormat? Carry, long Order);

    /// <param name="wire">The format of the link into this part (fp32 for the first part).</param>
    /// <param name="carry">The format the next link must use (it carries a tensor this one did), or null when free.</param>
    public void Add(double time, double accuracy, double other, int branches, ParetoEntry? previous, FusionStrategy strategy,
        WireFormat wire = WireFormat.Fp32, WireFormat? carry = null) =>
        _all.Add(new Candidate(time, accuracy, other, branches, previous, strategy, wire, carry, _all.Count));

    /// <summary>The non-dominated entries (time rising), then empties the builder.</summary>
    public List<ParetoEntry> Build(int end)
    {
        var ordered = _all.OrderBy(c => c.Time).ThenBy(c => c.Accuracy).ThenBy(c => c.Branches).ThenBy(c => c.Other).ThenBy(c => c.Order).ToList();
        var kept = new List<Candidate>();
        foreach (var c in ordered)
        {
            var dominated = false;
            foreach (var y in kept)
            {
                if (y.Time <= c.Time && y.Accuracy <= c.Accuracy && y.Branches <= c.Branches && (y.Carry is null || y.Carry == c.Carry)) { dominated = true; break; }
            }
            if (!dominated) kept.Add(c);
        }
        _all.Clear();
        return kept.Select(c => new ParetoEntry(c.Time, c.Accuracy, c.Other, c.Branches, c.Previous, end, c.Strategy, c.Wire, c.Carry)).ToList();
    }
}

/// <summary>One DP entry: the figures of the parts so far, the previous part's entry, where this part ends and its strategy.</summary>
internal sealed record ParetoEntry(double Time, double Accuracy, double Other, int Branches, ParetoEntry? Previous, int End, FusionStrategy Strategy,
    WireFormat Wire = WireFormat.Fp32, WireFormat? Carry = null);
