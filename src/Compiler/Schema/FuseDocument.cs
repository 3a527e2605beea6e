using System.Text.Json.Serialization;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>`fuse --json`: strategy plan, blocks, left-alone reasons, cost before and after, verification.</summary>
public sealed record FuseDocument
{
    public int SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required string Model { get; init; }

    public required string Strategy { get; init; }

    public required IReadOnlyList<FuseRegion> Regions { get; init; }

    public required int FoldedBatchNorms { get; init; }

    public required IReadOnlyList<FuseBlock> Blocks { get; init; }

    public required IReadOnlyList<FuseLeftAlone> LeftAlone { get; init; }

    public required FuseCost Before { get; init; }

    public required FuseCost After { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VerifyDocument? Verify { get; init; }

    public required string? Written { get; init; }

    /// <summary>--validation: the original and the written model scored on the data (as evaluate writes it, without its schemaVersion).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EvaluateDocument? Evaluation { get; init; }

    /// <summary>--calibration with --precision int8: the written model is quantized (QDQ); what was quantized and on what.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FuseQuantization? Quantization { get; init; }

    public IReadOnlyList<Warning> Warnings { get; init; } = Schema.Warnings.None;
}

public sealed record FuseRegion
{
    public required int From { get; init; }

    public required int To { get; init; }

    public required string Strategy { get; init; }
}

public sealed record FuseBlock
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required string Branches { get; init; }

    public required string Strategy { get; init; }

    public required string Result { get; init; }

    public required int BranchesFused { get; init; }
}

public sealed record FuseLeftAlone
{
    public required string Pass { get; init; }

    public required string At { get; init; }

    public required string Reason { get; init; }
}

public sealed record FuseCost
{
    public required long Flops { get; init; }

    public required long Bytes { get; init; }

    public required long WeightBytes { get; init; }

    public required int Nodes { get; init; }
}

public sealed record FuseQuantization
{
    public required int Activations { get; init; }

    public required int Weights { get; init; }

    public required string Method { get; init; }

    public required long Samples { get; init; }

    public required long? OpsetRaisedFrom { get; init; }
}
