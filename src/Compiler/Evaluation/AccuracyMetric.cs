namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>What an accuracy cost is measured in.</summary>
public enum AccuracyMetric
{
    /// <summary>Top-1 of the fp32 original minus the candidate's, in percentage points (labels given).</summary>
    Top1Drop,

    /// <summary>Without labels: the worst output's relative L2 against the fp32 original over the data, in percent.</summary>
    OutputDeviation,
}

public static class AccuracyMetrics
{
    /// <summary>The names plan.json, the report and evaluate use.</summary>
    public static string Name(this AccuracyMetric m) => m == AccuracyMetric.Top1Drop ? "top-1 drop (points)" : "output deviation (relative L2, %)";

    /// <summary>The candidate's cost against the reference's score in the metric.</summary>
    public static double Cost(AccuracyMetric metric, ModelScore reference, ModelScore candidate) =>
        metric == AccuracyMetric.Top1Drop ? (reference.Top1 ?? 0) - (candidate.Top1 ?? 0) : 100 * candidate.WorstRelativeL2;
}
