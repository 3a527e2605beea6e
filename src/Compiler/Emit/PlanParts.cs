using System.Text.Json;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>One part a plan.json lists with a model file (relay parts have none).</summary>
public sealed record PlanPartEntry(int Index, string File, string Device, double PredictedMs);

/// <summary>The parts of a compiled plan, read back from its plan.json; their files sit beside it.</summary>
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
            var parts = new List<PlanPartEntry>();
            foreach (var p in root.GetProperty("parts").EnumerateArray())
            {
                if (p.GetProperty("file").ValueKind != JsonValueKind.String) continue; // a relay part: nothing to run
                var file = p.GetProperty("file").GetString()!;
                // Part files sit beside plan.json; a name that leaves the folder is not one compile wrote.
                if (file != System.IO.Path.GetFileName(file)) throw new CodesignException(ErrorCodes.PlanMalformed, $"plan.json names part file '{file}' outside its folder", planPath);
                parts.Add(new PlanPartEntry(p.GetProperty("index").GetInt32(), file, p.GetProperty("device").GetString() ?? "?", p.GetProperty("predictedMs").GetDouble()));
            }
            return new PlanParts(root.GetProperty("model").GetString() ?? "model", folder, parts);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CodesignException(ErrorCodes.PlanMalformed, $"not a plan.json written by compile ({e.Message})", planPath);
        }
    }
}
