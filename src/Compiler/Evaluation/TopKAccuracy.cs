namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// Top-1 and top-5 over a stream of [N, C] score rows and their labels. A row's top-k holds the k highest
/// scores; on ties the lower class index ranks first (as torch.topk and NumPy's stable argsort do on the
/// same input). NaN ranks last, so a NaN row is never correct.
/// </summary>
public sealed class TopKAccuracy
{
    public long Samples { get; private set; }

    public long Top1Correct { get; private set; }

    public long Top5Correct { get; private set; }

    public double Top1Percent => Samples == 0 ? 0 : 100.0 * Top1Correct / Samples;

    public double Top5Percent => Samples == 0 ? 0 : 100.0 * Top5Correct / Samples;

    /// <summary>Adds <paramref name="labels"/>.Count rows of <paramref name="classes"/> scores each.</summary>
    public void Add(ReadOnlySpan<double> scores, int classes, IReadOnlyList<int> labels)
    {
        if (classes < 1 || scores.Length != (long)classes * labels.Count)
        {
            throw new ArgumentException($"{scores.Length} scores are not {labels.Count} rows of {classes} classes");
        }
        for (var row = 0; row < labels.Count; row++)
        {
            var rank = RankOf(scores.Slice(row * classes, classes), labels[row]);
            Samples++;
            if (rank < 1) Top1Correct++;
            if (rank < 5) Top5Correct++;
        }
    }

    /// <summary>How many classes rank above <paramref name="label"/> (an id outside the row ranks last).</summary>
    public static int RankOf(ReadOnlySpan<double> row, int label)
    {
        if (label < 0 || label >= row.Length || double.IsNaN(row[label])) return row.Length;
        var own = row[label];
        var above = 0;
        for (var c = 0; c < row.Length; c++)
        {
            if (c == label || double.IsNaN(row[c])) continue;
            if (row[c] > own || (row[c] == own && c < label)) above++;
        }
        return above;
    }
}
