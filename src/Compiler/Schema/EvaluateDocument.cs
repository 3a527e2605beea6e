using System.Text.Json.Serialization;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>
/// `evaluate --json`: each model scored on the validation data. Top-1/top-5 in percent (null without labels);
/// drop in the metric's units against the original (null where there is no original to compare with);
/// deviation: each output's max |difference| and relative L2 against the original, over the whole data.
/// </summary>
public sealed record EvaluateDocument
{
    /// <summary>Null inside fuse's and verify's documents, which carry their own.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required string Data { get; init; }

    public required string? Labels { get; init; }

    public required long Samples { get; init; }

    public required string Metric { get; init; }

    public required string? ScoredOutput { get; init; }

    public required IReadOnlyList<EvaluatedDocument> Models { get; init; }

    public required EvaluateTimes Seconds { get; init; }
}

public sealed record EvaluatedDocument
{
    public required string Name { get; init; }

    /// <summary>original, candidate or plan.</summary>
    public required string Role { get; init; }

    public required string Precision { get; init; }

    public required double? Top1 { get; init; }

    public required double? Top5 { get; init; }

    public required double? Drop { get; init; }

    public required IReadOnlyList<EvaluatedOutput>? Deviation { get; init; }
}

public sealed record EvaluatedOutput
{
    public required string Name { get; init; }

    public required double? MaxAbs { get; init; }

    public required double? RelativeL2 { get; init; }
}

/// <summary>Wall-clock seconds of calibration (0 when none ran) and of the evaluation pass.</summary>
public sealed record EvaluateTimes
{
    public required double Calibration { get; init; }

    public required double Evaluation { get; init; }
}
