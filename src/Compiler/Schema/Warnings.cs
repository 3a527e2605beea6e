using System.Text.Json.Serialization;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>One warning in a JSON document: its stable code (OCW…), the message and, when known, where it applies.</summary>
public sealed record Warning
{
    public required string Code { get; init; }

    public required string Message { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Where { get; init; }
}

public static class Warnings
{
    public static IReadOnlyList<Warning> None { get; } = [];

    public static IReadOnlyList<Warning> From(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Select(d => new Warning { Code = d.Code, Message = d.Message }).ToList();
}
