namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// How far a candidate's output is from the reference's over a stream of batches, without holding them:
/// max |c − r| over every element, and the relative L2 ‖c − r‖₂ / ‖r‖₂ over the whole stream (one norm over
/// all samples, so one outlier sample does not decide it). The measure for models without labels
/// (detectors), named "output deviation" wherever it is reported.
/// </summary>
public sealed class StreamingDeviation
{
    private double _diff2, _ref2;

    public long Elements { get; private set; }

    public double MaxAbs { get; private set; }

    public double RelativeL2 => Math.Sqrt(_diff2) / Math.Max(Math.Sqrt(_ref2), 1e-12);

    public void Add(ReadOnlySpan<double> reference, ReadOnlySpan<double> candidate)
    {
        if (reference.Length != candidate.Length) throw new ArgumentException($"{candidate.Length} values against the reference's {reference.Length}");
        for (var i = 0; i < reference.Length; i++)
        {
            var r = reference[i];
            var c = candidate[i];
            var d = r == c || (double.IsNaN(r) && double.IsNaN(c)) ? 0 : Math.Abs(c - r);
            if (double.IsNaN(d)) MaxAbs = double.NaN;
            else if (!double.IsNaN(MaxAbs)) MaxAbs = Math.Max(MaxAbs, d);
            _diff2 += d * d;
            if (double.IsFinite(r)) _ref2 += r * r;
        }
        Elements += reference.Length;
    }
}
