using System.Globalization;
using System.Text.Json;
using OnnxCoDesign.Compiler.Emit;
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
            return Parse(doc.RootElement, path);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            // One code for "not a plan compile wrote": bad JSON, a missing field or a field of the wrong kind.
            throw new CodesignException(ErrorCodes.PlanMalformed, $"not a plan.json written by compile: {e.Message}", path);
        }
    }

    public static PlanFileContents Parse(JsonElement root, string path = Emit.PlanJson.FileName)
    {
        var model = root.GetProperty("model").GetString() ?? "";
        var devices = root.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToList();
        var plans = new List<SimulatedPlan>();

        // The parts and links are checked before any is queued: one part per device, links 0, 1, … between them.
        var parts = ListedParts.Read(root, path);
        if (devices.Count != parts.Count)
        {
            throw new CodesignException(ErrorCodes.PlanPartCount, $"plan.json lists {parts.Count} parts for {devices.Count} devices; a plan has one part per device", path);
        }
        var transfers = Transfers(root, parts.Count, path);
        var stations = new List<Station>();
        foreach (var part in parts)
        {
            if (part.File is not null) Add(stations, $"part{part.Index}", part.Device, part.PredictedMs / 1e3);
            if (part.Index < transfers.Count)
            {
                var t = transfers[part.Index];
                Add(stations, $"link{part.Index}", $"{t.From}->{t.To}", t.Ms / 1e3);
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

    private sealed record ListedTransfer(string From, string To, double Ms);

    /// <summary>The links of the chosen plan: one between each two consecutive parts, listed in order.</summary>
    private static List<ListedTransfer> Transfers(JsonElement root, int parts, string path)
    {
        var array = ListedParts.Field(root, "transfers", JsonValueKind.Array, "the plan", path);
        if (array.GetArrayLength() != parts - 1)
        {
            throw new CodesignException(ErrorCodes.PlanPartCount, $"plan.json lists {array.GetArrayLength()} transfers for {parts} parts; a plan has one per link between two parts", path);
        }
        var list = new List<ListedTransfer>();
        foreach (var t in array.EnumerateArray())
        {
            var where = $"transfer {list.Count}";
            var link = ListedParts.Field(t, "link", JsonValueKind.Number, where, path);
            if (!link.TryGetInt32(out var i) || i != list.Count)
            {
                throw new CodesignException(ErrorCodes.PlanPartOrder, $"plan.json lists link {ListedParts.Printable(link.GetRawText())} at position {list.Count}; links are numbered 0, 1, … in order", path);
            }
            list.Add(new ListedTransfer(ListedParts.Field(t, "from", JsonValueKind.String, where, path).GetString()!,
                ListedParts.Field(t, "to", JsonValueKind.String, where, path).GetString()!, ListedParts.Milliseconds(t, "ms", where, path)));
        }
        return list;
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
