namespace OnnxCoDesign.Compiler.Schema;

/// <summary>`sample --json`: the built-in models' names.</summary>
public sealed record SampleListDocument
{
    public int SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required IReadOnlyList<string> Samples { get; init; }

    public IReadOnlyList<Warning> Warnings { get; init; } = Schema.Warnings.None;
}

/// <summary>`sample NAME -o FILE --json`: what was written (the file's name, not its path).</summary>
public sealed record SampleWrittenDocument
{
    public int SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required string Sample { get; init; }

    public required string File { get; init; }

    public IReadOnlyList<Warning> Warnings { get; init; } = Schema.Warnings.None;
}
