using System.Text.Json;
using Json.Schema;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Schema;

/// <summary>
/// Validates documents against src/Compiler/Schemas/plan.schema.json with JsonSchema.Net (a complete draft
/// 2020-12 validator on System.Text.Json), so the shipped schema is checked exactly as other tools will read it.
/// </summary>
public static class PlanSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(RepoPaths.PlanSchema)));

    /// <summary>Every place the document breaks the schema, one line each (empty when it validates).</summary>
    public static IReadOnlyList<string> Errors(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.SchemaLocation}): {e.Key}: {e.Value}"))
            .DefaultIfEmpty("invalid").ToList();
    }
}
