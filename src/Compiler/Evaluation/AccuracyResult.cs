using OnnxCoDesign.Compiler.Calibration;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// The accuracy side of a compile with data: the metric, the original's score on the data, what the planner
/// predicted for the chosen plan (the sum of its units' sensitivity entries) and what the plan measured when
/// its parts, as emitted, ran chained over the whole validation (or calibration) data.
/// </summary>
public sealed record AccuracyResult(
    AccuracyMetric Metric,
    double? Original,
    double Predicted,
    double Measured,
    long Samples,
    string Precision,
    SensitivityTable Table,
    CalibrationSettings? Calibration,
    long CalibrationSamples,
    double? Budget,
    IReadOnlyList<PlanAttempt> Attempts)
{
    /// <summary>Each ablation row (<see cref="PlanSearchResult.Ablations"/>) measured whole, in the same order.</summary>
    public IReadOnlyList<AblationMeasurement> Ablations { get; init; } = [];
}

/// <summary>A plan measured whole while looking for one within the budget: its predicted and measured cost.</summary>
public sealed record PlanAttempt(PlanChoice Choice, double Time, double Predicted, double Measured);
