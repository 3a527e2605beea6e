using System.Globalization;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// How one output of a candidate model differs from the reference's, over all samples. Per sample s,
/// with reference r and candidate c:
/// <list type="bullet">
/// <item>max abs error: max|c − r|;</item>
/// <item>relative error (normwise, not elementwise): max|c − r| / max(max|r|, 1e-12), so values that
/// cross zero do not blow it up;</item>
/// <item>relative L2: ‖c − r‖₂ / max(‖r‖₂, 1e-12).</item>
/// </list>
/// Each metric reports the worst sample. Positions where both are NaN, or both the same infinity, count
/// as equal; any other non-finite difference makes the metrics NaN and the output fail. A shape that
/// differs, or an output the candidate lacks, is a failure with <see cref="Problem"/> set.
/// </summary>
public sealed record OutputComparison(
    string Name,
    long[] ReferenceShape,
    long[]? CandidateShape,
    int Samples,
    double MaxAbsError,
    double MaxRelativeError,
    double RelativeL2,
    string? Problem)
{
    public const double Floor = 1e-12;

    public bool ShapesMatch => CandidateShape is not null && ReferenceShape.SequenceEqual(CandidateShape);

    /// <summary>Passes when nothing is missing or misshapen and the relative error is within the tolerance (NaN fails).</summary>
    public bool Passes(double tolerance) => Problem is null && MaxRelativeError <= tolerance;

    public static OutputComparison Missing(string name, long[] referenceShape, int samples) =>
        new(name, referenceShape, null, samples, double.NaN, double.NaN, double.NaN, "the rewritten model has no output with this name");

    /// <summary>Compares one output over all samples (the lists are per sample, in the same order).</summary>
    public static OutputComparison Compute(string name, IReadOnlyList<TensorData> reference, IReadOnlyList<TensorData> candidate)
    {
        if (reference.Count != candidate.Count || reference.Count == 0) throw new ArgumentException("one reference and one candidate tensor per sample are needed");
        double maxAbs = 0, maxRel = 0, relL2 = 0;
        for (var s = 0; s < reference.Count; s++)
        {
            if (!reference[s].Shape.SequenceEqual(candidate[s].Shape))
            {
                var problem = $"shape {candidate[s].ShapeText} differs from the original's {reference[s].ShapeText}" + (reference.Count > 1 ? $" (sample {s})" : "");
                return new OutputComparison(name, reference[s].Shape, candidate[s].Shape, reference.Count, double.NaN, double.NaN, double.NaN, problem);
            }
            var (abs, rel, l2) = Metrics(reference[s].ToDoubles(), candidate[s].ToDoubles());
            maxAbs = Worse(maxAbs, abs);
            maxRel = Worse(maxRel, rel);
            relL2 = Worse(relL2, l2);
        }
        return new OutputComparison(name, reference[0].Shape, candidate[0].Shape, reference.Count, maxAbs, maxRel, relL2, null);
    }

    /// <summary>The three metrics of one sample.</summary>
    public static (double MaxAbs, double Relative, double RelativeL2) Metrics(double[] reference, double[] candidate)
    {
        double maxDiff = 0, maxRef = 0, sumDiff2 = 0, sumRef2 = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            var r = reference[i];
            var c = candidate[i];
            var d = r == c || (double.IsNaN(r) && double.IsNaN(c)) ? 0 : Math.Abs(c - r);
            maxDiff = Worse(maxDiff, d);
            sumDiff2 += d * d;
            if (double.IsFinite(r))
            {
                maxRef = Math.Max(maxRef, Math.Abs(r));
                sumRef2 += r * r;
            }
        }
        return (maxDiff, maxDiff / Math.Max(maxRef, Floor), Math.Sqrt(sumDiff2) / Math.Max(Math.Sqrt(sumRef2), Floor));
    }

    public static string Format(double value) =>
        double.IsNaN(value) ? "nan" : value.ToString("0.000e+00", CultureInfo.InvariantCulture);

    /// <summary>The larger of two errors, NaN being the worst.</summary>
    private static double Worse(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);
}
