namespace OnnxCoDesign.Compiler.Schema;

/// <summary>`analyze --json`: model totals, unknown operators, warnings, the per-operator summary and every node.</summary>
public sealed record AnalyzeDocument
{
    public int SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required string Model { get; init; }

    public required long IrVersion { get; init; }

    public required long Opset { get; init; }

    public required IReadOnlyList<AnalyzeValue> Inputs { get; init; }

    public required IReadOnlyList<AnalyzeValue> Outputs { get; init; }

    public required long Flops { get; init; }

    public required long Macs { get; init; }

    public required long Bytes { get; init; }

    public required double? Intensity { get; init; }

    public required double? PaperIntensity { get; init; }

    public required long WeightBytes { get; init; }

    public required long ActivationBytes { get; init; }

    public required long Parameters { get; init; }

    public required bool CostComplete { get; init; }

    public required IReadOnlyList<AnalyzeUnknownOp> UnknownOps { get; init; }

    /// <summary>Here, not last: analyze listed its warnings before schema version 1 and keeps their place.</summary>
    public required IReadOnlyList<Warning> Warnings { get; init; }

    public required IReadOnlyList<AnalyzeOperator> Operators { get; init; }

    public required IReadOnlyList<AnalyzeNode> Nodes { get; init; }

    /// <summary>The kernels TensorRT runs the model as (the kernel-level cost model's unit), in order.</summary>
    public required IReadOnlyList<AnalyzeKernel> Kernels { get; init; }
}

/// <summary>One kernel: its anchor node, kind, the anchor's op type, its nodes, FLOPs and traffic as one kernel.</summary>
public sealed record AnalyzeKernel
{
    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required string Op { get; init; }

    public required IReadOnlyList<string> Nodes { get; init; }

    public required long? Flops { get; init; }

    public required long Bytes { get; init; }
}

public sealed record AnalyzeValue
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public required string Shape { get; init; }
}

public sealed record AnalyzeUnknownOp
{
    public required string Name { get; init; }

    public required string Op { get; init; }
}

public sealed record AnalyzeOperator
{
    public required string Op { get; init; }

    public required int Count { get; init; }

    public required long Flops { get; init; }

    public required long Bytes { get; init; }

    public required int Unknown { get; init; }
}

public sealed record AnalyzeNode
{
    public required string Name { get; init; }

    public required string Op { get; init; }

    public required IReadOnlyList<string> Outputs { get; init; }

    public required IReadOnlyList<string> Shapes { get; init; }

    public required long? Flops { get; init; }

    public required long? Macs { get; init; }

    public required long BytesRead { get; init; }

    public required long BytesWritten { get; init; }

    public required long Bytes { get; init; }

    public required double? Intensity { get; init; }

    /// <summary>The kernel (its anchor node's name) this node runs in under TensorRT's fusions.</summary>
    public required string Kernel { get; init; }
}
