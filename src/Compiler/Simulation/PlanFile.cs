using System.Globalization;
using System.Text.Json;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>What `simulate` takes from plan.json: the model's name, the chosen plan and the baselines as pipelines.</summary>
public sealed record PlanFileContents(string Model, IReadOnlyList<SimulatedPlan> Plans, string? Note);

/// <summary>
/// Reads plan.json into pipelines. The chosen plan comes from its parts (predictedMs) and transfers (ms);
/// each baseline from its stagesMs and transfersMs, on the devices of the chain in order. Parts without a
/// model and stations of zero time are left out: they hold no request. The baseline entry that is the chosen
/// plan itself ("co-designed", same cuts and strategies as the totals) is not repeated.
/// </summary>
public static class PlanFile
{
    public const string ChosenName = "co-designed";

    public static PlanFileContents Read(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, Emit.PlanJson.FileName);
        var text = GuardedFile.ReadAllText(path, InputFileKind.Plan);
        try
        {
            using var doc = JsonDocument.Parse(text);
            return Parse(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            // One code for "not a plan compile wrote": bad JSON, a missing field or a field of the wrong kind.
            throw new CodesignException(ErrorCodes.PlanMalformed, $"not a plan.json written by compile: {e.Message}", path);
        }
    }

    public static PlanFileContents Parse(JsonElement root)
    {
        var model = root.GetProperty("model").GetString() ?? "";
        var devices = root.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToList();
        var plans = new List<SimulatedPlan>();

        var stations = new List<Station>();
        var transfers = root.GetProperty("transfers").EnumerateArray().ToDictionary(t => t.GetProperty("link").GetInt32());
        foreach (var part in root.GetProperty("parts").EnumerateArray())
        {
            var index = part.GetProperty("index").GetInt32();
            var hasModel = part.GetProperty("file").ValueKind == JsonValueKind.String;
            if (hasModel) Add(stations, $"part{index}", part.GetProperty("device").GetString()!, Ms(part.GetProperty("predictedMs")));
            if (transfers.TryGetValue(index, out var t))
            {
                Add(stations, $"link{index}", $"{t.GetProperty("from").GetString()}->{t.GetProperty("to").GetString()}", Ms(t.GetProperty("ms")));
            }
        }
        var totals = root.GetProperty("totals");
        plans.Add(new SimulatedPlan(ChosenName, "the chosen plan (its parts and transfers)", stations));

        string? note = null;
        foreach (var b in root.GetProperty("baselines").EnumerateArray())
        {
            var name = b.GetProperty("name").GetString()!;
            var plan = b.GetProperty("plan");
            if (name == ChosenName && Same(plan, totals)) continue;
            if (!plan.TryGetProperty("stagesMs", out var stages) || !plan.TryGetProperty("transfersMs", out var links))
            {
                note = "this plan.json lists no stagesMs/transfersMs for its baselines (an older compile wrote it): only the chosen plan is simulated";
                continue;
            }
            var s = new List<Station>();
            var stageList = stages.EnumerateArray().ToList();
            var linkList = links.EnumerateArray().ToList();
            if (stageList.Count != devices.Count || linkList.Count != devices.Count - 1) throw new FormatException($"baseline '{name}' has {stageList.Count} stages and {linkList.Count} transfers for {devices.Count} devices");
            for (var j = 0; j < stageList.Count; j++)
            {
                Add(s, $"part{j}", devices[j], Ms(stageList[j]));
                if (j < linkList.Count) Add(s, $"link{j}", $"{devices[j]}->{devices[j + 1]}", Ms(linkList[j]));
            }
            plans.Add(new SimulatedPlan(name, b.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "", s));
        }
        return new PlanFileContents(model, plans, note);
    }

    private static void Add(List<Station> stations, string name, string resource, double seconds)
    {
        if (seconds > 0) stations.Add(new Station(name, resource, seconds));
    }

    private static double Ms(JsonElement e)
    {
        var ms = e.GetDouble();
        return double.IsFinite(ms) && ms >= 0 ? ms / 1e3 : throw new FormatException($"a time of {ms.ToString(CultureInfo.InvariantCulture)} ms");
    }

    private static bool Same(JsonElement a, JsonElement b) =>
        Cuts(a).SequenceEqual(Cuts(b)) && a.GetProperty("strategies").GetString() == b.GetProperty("strategies").GetString();

    private static IEnumerable<int> Cuts(JsonElement plan) => plan.GetProperty("cuts").EnumerateArray().Select(c => c.GetInt32());
}
