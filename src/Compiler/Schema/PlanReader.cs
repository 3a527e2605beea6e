using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>A plan.json read back and checked, with the folder its part files sit in.</summary>
public sealed record PlanOnDisk(string Path, string Folder, PlanDocument Document)
{
    /// <summary>The parts with a model file (a relay part has none); at least one, or the plan has nothing to run (OCD1702).</summary>
    public IReadOnlyList<PlanPart> RunnableParts()
    {
        var parts = Document.Parts.Where(p => p.File is not null).ToList();
        return parts.Count > 0 ? parts : throw new CodesignException(ErrorCodes.PlanPartCount, "plan.json lists no part with a model file", Path);
    }

    public string PathOf(PlanPart part) => System.IO.Path.Combine(Folder, part.File!);
}

/// <summary>
/// The one reader of plan.json (simulate, verify --plan, measure). What compile writes is one to
/// <see cref="DeviceChain.MaxDevices"/> parts, one per device, indexed 0, 1, … in order, each file a plain name
/// (partN.onnx) beside plan.json and named once, one transfer per link numbered in order, times finite and
/// non-negative, every field of its kind. A plan that is not that was not written by compile, and acting on it
/// (loading 2,000 copies of one part, or a file elsewhere) is refused before anything is opened or run:
/// OCD1701 it does not parse, a field is missing or of the wrong kind, or its schemaVersion is not one this
/// tool reads; OCD1702 a part, device or transfer count out of bounds; OCD1703 parts or links out of order or
/// a file listed twice; OCD1704 a value out of range.
/// </summary>
public static class PlanReader
{
    public static PlanOnDisk Read(string planPath)
    {
        var text = GuardedFile.ReadAllText(planPath, InputFileKind.Plan);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(planPath))!;
        return new PlanOnDisk(planPath, folder, Parse(text, planPath));
    }

    public static PlanDocument Parse(string text, string planPath)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw Malformed($"{Printable(e.Message)}", planPath);
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Malformed("the plan is not an object", planPath);
            CheckVersion(root, planPath);
            // The fields with codes of their own are checked first, so their errors say exactly what is wrong.
            var parts = CheckParts(root, planPath);
            var devices = Field(root, "devices", JsonValueKind.Array, "the plan", planPath).GetArrayLength();
            if (devices != parts)
            {
                throw new CodesignException(ErrorCodes.PlanPartCount, $"plan.json lists {parts} parts for {devices} devices; a plan has one part per device", planPath);
            }
            CheckTransfers(root, parts, planPath);
            PlanDocument plan;
            try
            {
                plan = (Version(root) < 2 ? MigrateFromVersion1(root) : root.Deserialize(CodesignJson.Default.PlanDocument))
                    ?? throw Malformed("the plan is null", planPath);
            }
            catch (JsonException e)
            {
                throw Malformed(Printable(e.Message), planPath);
            }
            CheckNoNullEntries(plan, planPath);
            CheckBaselines(plan, planPath);
            // A version 1 plan (or one from before schemaVersion) was read into today's form.
            return plan with { SchemaVersion = CodesignJson.SchemaVersion };
        }
    }

    private static void CheckVersion(JsonElement root, string planPath)
    {
        // Plans written before schemaVersion have none; they are version 1 without warnings.
        if (!root.TryGetProperty("schemaVersion", out var v)) return;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version) || version is < 1 or > CodesignJson.SchemaVersion)
        {
            throw Malformed($"its schemaVersion is {Printable(v.GetRawText())}; this tool reads schema versions 1 to {CodesignJson.SchemaVersion}", planPath);
        }
    }

    private static int Version(JsonElement root) => root.TryGetProperty("schemaVersion", out var v) ? v.GetInt32() : 1;

    /// <summary>
    /// Version 1 wrote `accuracy` as the accuracy model's name ("prior", "measured"); version 2 writes an object
    /// whose `model` is that name, beside the measured figures. Everything else is read as it is.
    /// </summary>
    private static PlanDocument? MigrateFromVersion1(JsonElement root)
    {
        var node = JsonNode.Parse(root.GetRawText())!.AsObject();
        if (node["accuracy"] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            node["accuracy"] = new JsonObject { ["model"] = value.GetValue<string>() };
        }
        return node.Deserialize(CodesignJson.Default.PlanDocument);
    }

    private static int CheckParts(JsonElement root, string planPath)
    {
        var parts = Field(root, "parts", JsonValueKind.Array, "the plan", planPath);
        var count = parts.GetArrayLength();
        if (count == 0) throw new CodesignException(ErrorCodes.PlanPartCount, "plan.json lists no parts", planPath);
        if (count > DeviceChain.MaxDevices)
        {
            throw new CodesignException(ErrorCodes.PlanPartCount, $"plan.json lists {count} parts; a plan has at most {DeviceChain.MaxDevices}", planPath);
        }
        var files = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        foreach (var p in parts.EnumerateArray())
        {
            var where = $"part {position}";
            if (p.ValueKind != JsonValueKind.Object) throw Malformed($"{where} is not an object", planPath);
            var index = Field(p, "index", JsonValueKind.Number, where, planPath);
            if (!index.TryGetInt32(out var i) || i != position)
            {
                throw new CodesignException(ErrorCodes.PlanPartOrder, $"plan.json lists part {Printable(index.GetRawText())} at position {position}; parts are numbered 0, 1, … in order", planPath);
            }
            var file = FileName(p, where, planPath);
            if (file is not null && !files.Add(file))
            {
                throw new CodesignException(ErrorCodes.PlanPartOrder, $"plan.json lists part file '{file}' twice", planPath);
            }
            Field(p, "device", JsonValueKind.String, where, planPath);
            Milliseconds(p, "predictedMs", where, planPath);
            position++;
        }
        return count;
    }

    /// <summary>The links of the chosen plan: one between each two consecutive parts, listed in order.</summary>
    private static void CheckTransfers(JsonElement root, int parts, string planPath)
    {
        var array = Field(root, "transfers", JsonValueKind.Array, "the plan", planPath);
        if (array.GetArrayLength() != parts - 1)
        {
            throw new CodesignException(ErrorCodes.PlanPartCount, $"plan.json lists {array.GetArrayLength()} transfers for {parts} parts; a plan has one per link between two parts", planPath);
        }
        var position = 0;
        foreach (var t in array.EnumerateArray())
        {
            var where = $"transfer {position}";
            var link = Field(t, "link", JsonValueKind.Number, where, planPath);
            if (!link.TryGetInt32(out var i) || i != position)
            {
                throw new CodesignException(ErrorCodes.PlanPartOrder, $"plan.json lists link {Printable(link.GetRawText())} at position {position}; links are numbered 0, 1, … in order", planPath);
            }
            Field(t, "from", JsonValueKind.String, where, planPath);
            Field(t, "to", JsonValueKind.String, where, planPath);
            Milliseconds(t, "ms", where, planPath);
            position++;
        }
    }

    /// <summary>
    /// No array lists null where the schema has an object or a string: the serializer checks null only for
    /// properties, not for an array's entries.
    /// </summary>
    private static void CheckNoNullEntries(PlanDocument plan, string planPath)
    {
        var tensors = plan.Parts.SelectMany(p => p.Inputs.Concat(p.Outputs)).Concat(plan.Transfers.SelectMany(t => t.Tensors));
        var nullAt =
            Null("devices", plan.Devices) ?? Null("sources of a device", plan.Devices.SelectMany(d => d.Sources)) ??
            Null("transfers", plan.Transfers) ?? Null("tensors", tensors) ??
            Null("baselines", plan.Baselines) ?? Null("ablations", plan.Ablations ?? []) ?? Null("pareto", plan.Pareto) ?? Null("sweep", plan.Sweep) ??
            Null("blocks", plan.Blocks) ?? Null("unknownOps", plan.UnknownOps) ?? Null("warnings", plan.Warnings ?? []);
        if (nullAt is not null) throw Malformed($"{nullAt} lists null", planPath);
    }

    private static string? Null<T>(string name, IEnumerable<T?> entries) where T : class => entries.Any(e => e is null) ? $"\"{name}\"" : null;

    /// <summary>Each baseline's stages and transfers (when listed) fit the chain and are times.</summary>
    private static void CheckBaselines(PlanDocument plan, string planPath)
    {
        var devices = plan.Devices.Count;
        foreach (var b in plan.Baselines)
        {
            if (b.Plan.StagesMs is not { } stages || b.Plan.TransfersMs is not { } links) continue;
            if (stages.Count != devices || links.Count != devices - 1)
            {
                throw Malformed($"baseline '{Printable(b.Name)}' has {stages.Count} stages and {links.Count} transfers for {devices} devices", planPath);
            }
            foreach (var ms in stages.Concat(links))
            {
                if (ms < 0) throw Malformed($"baseline '{Printable(b.Name)}' lists a time of {ms.ToString(CultureInfo.InvariantCulture)} ms", planPath);
            }
        }
    }

    /// <summary>A required field of one JSON kind (OCD1701 when it is missing or of another kind).</summary>
    private static JsonElement Field(JsonElement owner, string name, JsonValueKind kind, string where, string planPath)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(name, out var value))
        {
            throw Malformed($"{where} has no \"{name}\"", planPath);
        }
        if (value.ValueKind != kind) throw Malformed($"\"{name}\" of {where} is {Kind(value.ValueKind)}, not {Kind(kind)}", planPath);
        return value;
    }

    /// <summary>A time in milliseconds: a finite, non-negative number (OCD1704 otherwise).</summary>
    private static void Milliseconds(JsonElement owner, string name, string where, string planPath)
    {
        var value = Field(owner, name, JsonValueKind.Number, where, planPath);
        if (!value.TryGetDouble(out var ms) || !double.IsFinite(ms) || ms < 0)
        {
            throw new CodesignException(ErrorCodes.PlanValueInvalid, $"\"{name}\" of {where} is {Printable(value.GetRawText())}; a time is a finite number ≥ 0", planPath);
        }
    }

    /// <summary>The part's file: null for a relay part, else a plain file name in the plan's folder (OCD1704 otherwise).</summary>
    private static string? FileName(JsonElement part, string where, string planPath)
    {
        if (!part.TryGetProperty("file", out var value)) throw Malformed($"{where} has no \"file\"", planPath);
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw Malformed($"\"file\" of {where} is {Kind(value.ValueKind)}, not a string or null", planPath);
        var file = value.GetString()!;
        // Part files sit beside plan.json; a name that leaves the folder (or is the folder) is not one compile wrote.
        var plain = file.Length > 0 && file != "." && file != ".." && file.IndexOfAny(['/', '\\', '\0']) < 0 && file == System.IO.Path.GetFileName(file);
        if (!plain)
        {
            throw new CodesignException(ErrorCodes.PlanValueInvalid, $"plan.json names part file '{Printable(file)}' for {where}; a part file is a plain name beside plan.json", planPath);
        }
        return file;
    }

    private static CodesignException Malformed(string what, string planPath) =>
        new(ErrorCodes.PlanMalformed, $"not a plan.json written by compile: {what}", planPath);

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>Text from the plan as one printable line (control characters escaped), at most 200 characters.</summary>
    internal static string Printable(string s)
    {
        var escaped = string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString(CultureInfo.InvariantCulture)));
        return escaped.Length <= 200 ? escaped : escaped[..200] + "…";
    }
}
