using System.Text.Json.Serialization;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>`measure --model|--sample --json`: the cut sweep, predicted against measured part latencies.</summary>
public sealed record MeasureSweepDocument
{
    public int SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required string Model { get; init; }

    public string Kind { get; init; } = "sweep";

    public required string Strategy { get; init; }

    public required string Precision { get; init; }

    public required DeviceDocument Host { get; init; }

    /// <summary>True when the host was probed in the same interleaved rounds as the parts; false when its profile was given.</summary>
    public required bool HostProbed { get; init; }

    /// <summary>The host profile of each batch of parts, when a probed sweep needed more than one (Host is the first); else absent.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DeviceDocument>? HostBatches { get; init; }

    public required MeasureTiming Timing { get; init; }

    public required int Units { get; init; }

    public required IReadOnlyList<int> Cuts { get; init; }

    public required double? Spearman { get; init; }

    public required double? MapePercent { get; init; }

    public required IReadOnlyList<MeasureComparedProfile> ComparedWith { get; init; }

    public required IReadOnlyList<MeasureSweepPart> Parts { get; init; }

    public IReadOnlyList<Warning> Warnings { get; init; } = Schema.Warnings.None;
}

/// <summary>measure.json for a compiled plan (`measure DIR/plan.json`, `compile --measure`).</summary>
public sealed record MeasurePlanDocument
{
    public int SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required string Model { get; init; }

    public string Kind { get; init; } = "plan";

    public required string Precision { get; init; }

    public required DeviceDocument Host { get; init; }

    /// <summary>True when the host was probed in the same interleaved rounds as the parts; false when its profile was given.</summary>
    public required bool HostProbed { get; init; }

    public required MeasureTiming Timing { get; init; }

    public required double? Spearman { get; init; }

    public required double? MapePercent { get; init; }

    public required IReadOnlyList<MeasurePlanPart> Parts { get; init; }

    public IReadOnlyList<Warning> Warnings { get; init; } = Schema.Warnings.None;
}

public sealed record MeasureTiming
{
    public required int Runs { get; init; }

    public required int Warmup { get; init; }

    public required int Threads { get; init; }
}

public sealed record MeasureComparedProfile
{
    public required string Name { get; init; }

    public required double? Spearman { get; init; }

    public required double? MapePercent { get; init; }
}

public sealed record MeasureSweepPart
{
    public required int Boundary { get; init; }

    public required string After { get; init; }

    public required int Part { get; init; }

    public required int Nodes { get; init; }

    public required long Flops { get; init; }

    public required long Bytes { get; init; }

    public required double? PredictedMs { get; init; }

    public required double? MeasuredMs { get; init; }

    public required double? ErrorPercent { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? ComparedPredictedMs { get; init; }

    /// <summary>The batch the part was timed in (an index into HostBatches), when there were several; else absent.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Batch { get; init; }
}

public sealed record MeasurePlanPart
{
    public required int Index { get; init; }

    public required string File { get; init; }

    public required string Device { get; init; }

    public required double? PlanPredictedMs { get; init; }

    public required double? HostPredictedMs { get; init; }

    public required double? MeasuredMs { get; init; }

    public required double? ErrorPercent { get; init; }
}
