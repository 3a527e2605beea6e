namespace OnnxCoDesign.Compiler.Schema;

/// <summary>`simulate --json`: the same figures as the table, times in milliseconds, reals rounded like plan.json.</summary>
public sealed record SimulationDocument
{
    public int SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required string Model { get; init; }

    public required int Requests { get; init; }

    public required ulong Seed { get; init; }

    public required string Arrivals { get; init; }

    public required IReadOnlyList<double> Rates { get; init; }

    public required string? Note { get; init; }

    public required IReadOnlyList<SimulatedPlanResult> Plans { get; init; }

    public IReadOnlyList<Warning> Warnings { get; init; } = Schema.Warnings.None;
}

public sealed record SimulatedPlanResult
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required IReadOnlyList<SimulatedStation> Stations { get; init; }

    public required string? Bottleneck { get; init; }

    public required double? LatencyMs { get; init; }

    public required double? CapacityPerSecond { get; init; }

    public required IReadOnlyList<SimulatedRate> Results { get; init; }
}

public sealed record SimulatedStation
{
    public required string Name { get; init; }

    public required string Resource { get; init; }

    public required double? Ms { get; init; }
}

public sealed record SimulatedRate
{
    public required double Rate { get; init; }

    public required double? OfferedLoad { get; init; }

    public required bool Saturated { get; init; }

    public required int Completed { get; init; }

    public required double? ThroughputPerSecond { get; init; }

    public required double? MeanMs { get; init; }

    public required double? P50Ms { get; init; }

    public required double? P95Ms { get; init; }

    public required double? P99Ms { get; init; }

    public required double? BottleneckUtilisation { get; init; }
}
