using System.Text.Json.Serialization;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>
/// `verify --json`, and fuse's "verify" (there without <see cref="SchemaVersion"/>: it is part of fuse's
/// document). Errors carry 6 significant digits; NaN and infinity are null.
/// </summary>
public sealed record VerifyDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SchemaVersion { get; init; }

    public required string Original { get; init; }

    public required string Rewritten { get; init; }

    public required string Inputs { get; init; }

    public required int Samples { get; init; }

    public required double? Tolerance { get; init; }

    public required bool Passed { get; init; }

    public required IReadOnlyList<VerifyOutput> Outputs { get; init; }

    public required IReadOnlyList<string> ExtraOutputs { get; init; }

    /// <summary>Here, not last: verify listed its warnings before schema version 1 and keeps their place.</summary>
    public required IReadOnlyList<Warning> Warnings { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VerifyPrecision? Precision { get; init; }

    /// <summary>--validation: both models scored on the data (as evaluate writes it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EvaluateDocument? Evaluation { get; init; }
}

/// <summary>One output compared: the original's shape, the rewritten's (null when it is missing) and the errors.</summary>
public sealed record VerifyOutput
{
    public required string Name { get; init; }

    public required IReadOnlyList<long> Shape { get; init; }

    public required IReadOnlyList<long>? RewrittenShape { get; init; }

    public required double? MaxAbsError { get; init; }

    public required double? MaxRelativeError { get; init; }

    public required double? RelativeL2 { get; init; }

    public required string? Problem { get; init; }

    public required bool Passed { get; init; }
}

public sealed record VerifyPrecision
{
    public required string Target { get; init; }

    public required string Rounding { get; init; }

    public required IReadOnlyList<VerifyPrecisionOutput> Outputs { get; init; }
}

/// <summary>Top-1 agreement is null for outputs that are not [N, C]; the row counts are written only beside a value.</summary>
public sealed record VerifyPrecisionOutput
{
    public required string Name { get; init; }

    public required IReadOnlyList<long> Shape { get; init; }

    public required IReadOnlyList<long>? RewrittenShape { get; init; }

    public required double? MaxAbsError { get; init; }

    public required double? MaxRelativeError { get; init; }

    public required double? RelativeL2 { get; init; }

    public required string? Problem { get; init; }

    public required double? Top1Agreement { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Top1Rows { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Top1Matches { get; init; }
}
