using System.Text.Json;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>One part a plan.json lists with a model file (relay parts have none).</summary>
public sealed record PlanPartEntry(int Index, string File, string Device, double PredictedMs);

/// <summary>
/// The parts of a compiled plan, read back from its plan.json and checked (<see cref="ListedParts"/>);
/// their files sit beside it. At least one part has a file.
/// </summary>
public sealed record PlanParts(string Model, string Folder, IReadOnlyList<PlanPartEntry> Parts)
{
    public string PathOf(PlanPartEntry part) => System.IO.Path.Combine(Folder, part.File);

    public static PlanParts Read(string planPath)
    {
        var text = GuardedFile.ReadAllText(planPath, InputFileKind.Plan);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(planPath))!;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var model = ListedParts.Field(root, "model", JsonValueKind.String, "the plan", planPath).GetString()!;
            // A relay part (no file) has nothing to run; a plan with nothing to run is not one compile wrote.
            var parts = ListedParts.Read(root, planPath).Where(p => p.File is not null)
                .Select(p => new PlanPartEntry(p.Index, p.File!, p.Device, p.PredictedMs)).ToList();
            if (parts.Count == 0) throw new CodesignException(ErrorCodes.PlanPartCount, "plan.json lists no part with a model file", planPath);
            return new PlanParts(model, folder, parts);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CodesignException(ErrorCodes.PlanMalformed, $"not a plan.json written by compile ({e.Message})", planPath);
        }
    }
}
