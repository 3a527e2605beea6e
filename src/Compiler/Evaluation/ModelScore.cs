namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>One output's deviation from the reference model's over the whole stream (see <see cref="StreamingDeviation"/>).</summary>
public sealed record OutputDeviation(string Name, double MaxAbs, double RelativeL2);

/// <summary>
/// What one model scored on a data set. <see cref="Top1"/>/<see cref="Top5"/> (percent) are null without
/// labels; <see cref="Deviations"/> is null for the reference model itself (the one the others are compared with).
/// </summary>
public sealed record ModelScore(
    string Label,
    long Samples,
    string? ScoredOutput,
    double? Top1,
    double? Top5,
    long Top1Correct,
    long Top5Correct,
    IReadOnlyList<OutputDeviation>? Deviations)
{
    /// <summary>The worst relative L2 over the outputs (0 for the reference).</summary>
    public double WorstRelativeL2 => Deviations is null || Deviations.Count == 0 ? 0 : Deviations.Max(d => d.RelativeL2);
}
