using System.Text.Json;
using System.Text.RegularExpressions;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Devices;

/// <summary>
/// One device profile as JSON: the schema of a catalog entry and of a user's profile file. Figures are in
/// the units datasheets print (TFLOP/s, TOPS, GB/s, µs) so people can write them by hand; the record holds
/// SI units. Every field is checked and unknown keys are refused, so a typo cannot silently fall back to a
/// default. Conversions go through decimal so 0.472 TFLOP/s is exactly 472e9 and writes back as 0.472.
/// `precisions` lists what the device runs natively (fp32 always among them). A profile without it is taken to
/// run all three, as every profile did before the list existed, so old files keep their meaning. int8Tops is
/// required exactly when the list has int8, and refused when it does not: a device without an int8 path has no
/// int8 rate, and a figure there would only mislead.
/// </summary>
public static partial class DeviceProfileJson
{
    public static readonly IReadOnlyList<string> Keys =
    [
        "name", "displayName", "fp32Tflops", "fp16Tflops", "int8Tops", "memoryGBps",
        "computeEfficiency", "memoryEfficiency", "kernelOverheadUs", "tensorRt", "precisions", "sources",
    ];

    /// <summary>
    /// Keys a profile may have that are written only when they say something (so profiles and plans without
    /// them keep their exact bytes): operatorEfficiency, an object of ONNX op type → compute efficiency; convEfficiency,
    /// an object of conv class (1x1, kxk, kxk-strided, 1x1-strided, thin) → [output pixels, efficiency] pairs in ascending output pixels
    /// (<see cref="ConvEfficiencyCurve"/>); nchwcBlock, ONNX Runtime's NCHWc block (8 or 16) where its layout reorders
    /// are paid (<see cref="DeviceProfile.NchwcBlock"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> OptionalKeys = ["operatorEfficiency", ConvEfficiencyKey, NchwcBlockKey, LegacyOverheadKey];

    /// <summary>nchwcBlock: ONNX Runtime's NCHWc block (8 or 16) where the device runs it with layout reorders; absent: none.</summary>
    public const string NchwcBlockKey = "nchwcBlock";

    public const string ConvEfficiencyKey = "convEfficiency";

    /// <summary>The per-kernel overhead's name before the kernel-level cost model (a per-node overhead then): still read, never written.</summary>
    public const string LegacyOverheadKey = "nodeOverheadUs";

    private static readonly string[] Required = ["name", "fp32Tflops", "fp16Tflops", "memoryGBps"];

    public static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip };

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabName();

    /// <summary>Parses a whole profile file's text; <paramref name="file"/> names it in errors.</summary>
    public static DeviceProfile ParseText(string text, string? file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw Malformed($"not valid JSON ({e.Message})", file);
        }
        using (document) return Read(document.RootElement, file, document: true);
    }

    /// <summary>
    /// Reads and validates one profile object. A whole profile file (<paramref name="document"/>) may also carry
    /// the schemaVersion and warnings the tool writes around it: the version must be one this tool reads.
    /// </summary>
    public static DeviceProfile Read(JsonElement e, string? file, bool document = false)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Malformed("a device profile must be a JSON object", file);
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            if (document && DocumentKey(p, file)) continue;
            if (!Keys.Contains(p.Name) && !OptionalKeys.Contains(p.Name)) throw Malformed($"unknown key '{p.Name}' (known: {string.Join(", ", Keys.Concat(OptionalKeys))})", file);
            if (!fields.TryAdd(p.Name, p.Value)) throw Malformed($"key '{p.Name}' appears twice", file);
        }
        foreach (var key in Required)
        {
            if (!fields.ContainsKey(key)) throw Malformed($"missing key '{key}'", file);
        }

        var name = Text(fields, "name", file);
        if (name.Length > 64 || !KebabName().IsMatch(name)) throw Malformed($"'name' must be kebab-case letters and digits (jetson-nano), got '{name}'", file);
        var label = $"device '{name}'";
        var displayName = fields.ContainsKey("displayName") ? Text(fields, "displayName", file) : name;
        if (displayName.Trim().Length == 0) throw Malformed($"{label}: 'displayName' is empty", file);
        var precisions = Precisions(fields, label, file);
        var int8 = precisions.Contains(Precision.Int8);
        if (int8 && !fields.ContainsKey("int8Tops")) throw Malformed($"{label}: missing key 'int8Tops' (its precisions include int8)", file);
        if (!int8 && fields.ContainsKey("int8Tops"))
        {
            throw Malformed($"{label}: 'int8Tops' is given but its precisions ({string.Join(", ", precisions.Select(p => p.Name()))}) have no int8; remove it or add int8", file);
        }

        return new DeviceProfile
        {
            Name = name,
            DisplayName = displayName,
            PeakFp32 = Scaled(fields, "fp32Tflops", 1e12m, label, file),
            PeakFp16 = Scaled(fields, "fp16Tflops", 1e12m, label, file),
            PeakInt8 = int8 ? Scaled(fields, "int8Tops", 1e12m, label, file) : null,
            MemoryBandwidth = Scaled(fields, "memoryGBps", 1e9m, label, file),
            ComputeEfficiency = Efficiency(fields, "computeEfficiency", label, file),
            MemoryEfficiency = Efficiency(fields, "memoryEfficiency", label, file),
            KernelOverhead = Overhead(fields, label, file),
            OperatorEfficiency = OperatorEfficiency(fields, label, file),
            ConvEfficiency = ConvEfficiency(fields, label, file),
            NchwcBlock = NchwcBlock(fields, label, file),
            TensorRtVersion = TensorRt(fields, label, file),
            Precisions = precisions,
            Sources = Sources(fields, label, file),
        };
    }

    /// <summary>Writes one profile in the schema <see cref="Read"/> takes, so the output is a valid profile file.</summary>
    public static void Write(Utf8JsonWriter w, DeviceProfile d) => JsonSerializer.Serialize(w, Document(d), CodesignJsonWriter.Default.DeviceDocument);

    /// <summary>A profile file's text (`devices NAME --json`, `probe`): the profile with schemaVersion first and warnings last.</summary>
    public static string WriteText(DeviceProfile d) =>
        CodesignJson.Write(Document(d) with { SchemaVersion = CodesignJson.SchemaVersion, Warnings = Warnings.None }, CodesignJsonWriter.Default.DeviceDocument);

    /// <summary>The profile as a record; operator efficiencies sorted by op type so a profile always writes the same bytes.</summary>
    public static DeviceDocument Document(DeviceProfile d) => new()
    {
        Name = d.Name,
        DisplayName = d.DisplayName,
        Fp32Tflops = Unscaled(d.PeakFp32, 1e12m),
        Fp16Tflops = Unscaled(d.PeakFp16, 1e12m),
        Int8Tops = d.PeakInt8 is { } int8 ? Unscaled(int8, 1e12m) : null,
        MemoryGBps = Unscaled(d.MemoryBandwidth, 1e9m),
        ComputeEfficiency = Unscaled(d.ComputeEfficiency, 1m),
        MemoryEfficiency = Unscaled(d.MemoryEfficiency, 1m),
        KernelOverheadUs = Unscaled(d.KernelOverhead, 1e-6m),
        OperatorEfficiency = d.OperatorEfficiency.Count == 0
            ? null
            : new SortedDictionary<string, decimal>(d.OperatorEfficiency.ToDictionary(x => x.Key, x => Unscaled(x.Value, 1m)), StringComparer.Ordinal),
        ConvEfficiency = d.ConvEfficiency.IsEmpty
            ? null
            : new SortedDictionary<string, IReadOnlyList<IReadOnlyList<decimal>>>(
                d.ConvEfficiency.Points.ToDictionary(
                    x => x.Key,
                    x => (IReadOnlyList<IReadOnlyList<decimal>>)x.Value.Select(p => (IReadOnlyList<decimal>)[p.OutputPixels, Unscaled(p.Efficiency, 1m)]).ToList()),
                StringComparer.Ordinal),
        NchwcBlock = d.NchwcBlock > 0 ? d.NchwcBlock : null,
        TensorRt = d.TensorRtVersion,
        Precisions = d.Precisions.Select(p => p.Name()).ToList(),
        Sources = d.Sources,
    };

    /// <summary>
    /// schemaVersion and warnings (an array) around a profile file's fields. Profiles are the same in versions 1
    /// and 2 (version 2 changed only plan.json's accuracy), so both are read.
    /// </summary>
    private static bool DocumentKey(JsonProperty p, string? file)
    {
        if (p.Name == "schemaVersion")
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var v) || v is < 1 or > CodesignJson.SchemaVersion)
            {
                var found = p.Value.ValueKind == JsonValueKind.Number && p.Value.GetRawText().Length <= 20 ? p.Value.GetRawText() : Kind(p.Value);
                throw Malformed($"'schemaVersion' is {found}; this tool reads schema versions 1 to {CodesignJson.SchemaVersion}", file);
            }
            return true;
        }
        if (p.Name != "warnings") return false;
        if (p.Value.ValueKind != JsonValueKind.Array) throw Malformed("'warnings' must be an array", file);
        return true;
    }

    /// <summary>SI value back to datasheet units, with trailing zeros dropped (0.472, not 0.4720).</summary>
    public static decimal Unscaled(double value, decimal scale) =>
        (decimal)value / scale / 1.000000000000000000000000000000000m;

    private static string Text(Dictionary<string, JsonElement> f, string key, string? file) =>
        f[key].ValueKind == JsonValueKind.String ? f[key].GetString()! : throw Malformed($"'{key}' must be a string", file);

    private static decimal Number(Dictionary<string, JsonElement> f, string key, string label, string? file)
    {
        var v = f[key];
        if (v.ValueKind != JsonValueKind.Number) throw Malformed($"{label}: '{key}' must be a number, got {Kind(v)}", file);
        if (!v.TryGetDecimal(out var d)) throw Malformed($"{label}: '{key}' is out of range ({v.GetRawText()})", file);
        return d;
    }

    private static double Scaled(Dictionary<string, JsonElement> f, string key, decimal scale, string label, string? file)
    {
        var d = Number(f, key, label, file);
        if (d <= 0) throw Malformed($"{label}: '{key}' must be positive, got {f[key].GetRawText()}", file);
        try
        {
            return (double)(d * scale);
        }
        catch (OverflowException)
        {
            throw Malformed($"{label}: '{key}' is out of range ({f[key].GetRawText()})", file);
        }
    }

    private static double Efficiency(Dictionary<string, JsonElement> f, string key, string label, string? file)
    {
        if (!f.ContainsKey(key)) return 1.0; // the bare roofline, as the record defaults
        var d = Number(f, key, label, file);
        if (d <= 0 || d > 1) throw Malformed($"{label}: '{key}' must be in (0, 1], got {f[key].GetRawText()}", file);
        return (double)d;
    }

    private static double Overhead(Dictionary<string, JsonElement> f, string label, string? file)
    {
        const string key = "kernelOverheadUs";
        if (f.ContainsKey(key) && f.ContainsKey(LegacyOverheadKey))
            throw Malformed($"{label}: give '{key}' or its older name '{LegacyOverheadKey}', not both", file);
        var name = f.ContainsKey(key) ? key : f.ContainsKey(LegacyOverheadKey) ? LegacyOverheadKey : null;
        if (name is null) return 0;
        var d = Number(f, name, label, file);
        // Zero is allowed (the plain roofline); a second or more per kernel is surely a unit mistake.
        if (d < 0 || d >= 1_000_000) throw Malformed($"{label}: '{name}' must be in [0, 1000000) microseconds, got {f[name].GetRawText()}", file);
        return (double)(d * 1e-6m);
    }

    private static IReadOnlyDictionary<string, double> OperatorEfficiency(Dictionary<string, JsonElement> f, string label, string? file)
    {
        if (!f.TryGetValue("operatorEfficiency", out var v)) return DeviceProfile.NoOperatorEfficiency;
        if (v.ValueKind != JsonValueKind.Object) throw Malformed($"{label}: 'operatorEfficiency' must be an object of op type → efficiency", file);
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            if (string.IsNullOrWhiteSpace(p.Name)) throw Malformed($"{label}: 'operatorEfficiency' has an empty op type", file);
            if (!map.TryAdd(p.Name, 0)) throw Malformed($"{label}: 'operatorEfficiency' lists '{p.Name}' twice", file);
            var key = $"operatorEfficiency.{p.Name}";
            if (p.Value.ValueKind != JsonValueKind.Number) throw Malformed($"{label}: '{key}' must be a number, got {Kind(p.Value)}", file);
            if (!p.Value.TryGetDecimal(out var d)) throw Malformed($"{label}: '{key}' is out of range ({p.Value.GetRawText()})", file);
            if (d <= 0 || d > 1) throw Malformed($"{label}: '{key}' must be in (0, 1], got {p.Value.GetRawText()}", file);
            map[p.Name] = (double)d;
        }
        return map.Count == 0 ? DeviceProfile.NoOperatorEfficiency : map;
    }

    /// <summary>nchwcBlock: 8 or 16 (ONNX Runtime's NCHWc blocks on x64); absent: 0, no layout reorders.</summary>
    private static int NchwcBlock(Dictionary<string, JsonElement> f, string label, string? file)
    {
        if (!f.TryGetValue(NchwcBlockKey, out var v)) return 0;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var block) || block is not (8 or 16))
            throw Malformed($"{label}: '{NchwcBlockKey}' must be 8 or 16 (ONNX Runtime's NCHWc block), got {v.GetRawText()}", file);
        return block;
    }

    /// <summary>convEfficiency: per known kernel class, a non-empty array of [output pixels, efficiency] pairs, pixels whole, positive and ascending.</summary>
    private static ConvEfficiencyCurve ConvEfficiency(Dictionary<string, JsonElement> f, string label, string? file)
    {
        if (!f.TryGetValue(ConvEfficiencyKey, out var v)) return ConvEfficiencyCurve.None;
        var shape = $"an object of conv class ({string.Join(", ", ConvEfficiencyCurve.Classes)}) → [[output pixels, efficiency], …]";
        if (v.ValueKind != JsonValueKind.Object) throw Malformed($"{label}: '{ConvEfficiencyKey}' must be {shape}", file);
        var map = new Dictionary<string, IReadOnlyList<ConvEfficiencyPoint>>(StringComparer.Ordinal);
        foreach (var c in v.EnumerateObject())
        {
            var key = $"{ConvEfficiencyKey}.{c.Name}";
            if (!ConvEfficiencyCurve.Classes.Contains(c.Name)) throw Malformed($"{label}: '{ConvEfficiencyKey}' has an unknown kernel class '{c.Name}' (known: {string.Join(", ", ConvEfficiencyCurve.Classes)})", file);
            if (map.ContainsKey(c.Name)) throw Malformed($"{label}: '{ConvEfficiencyKey}' lists '{c.Name}' twice", file);
            if (c.Value.ValueKind != JsonValueKind.Array || c.Value.GetArrayLength() == 0) throw Malformed($"{label}: '{key}' must be a non-empty array of [output pixels, efficiency]", file);
            var points = new List<ConvEfficiencyPoint>();
            foreach (var p in c.Value.EnumerateArray())
            {
                var pair = p.ValueKind == JsonValueKind.Array && p.GetArrayLength() == 2 ? p.EnumerateArray().ToList() : null;
                if (pair is null || pair.Any(x => x.ValueKind != JsonValueKind.Number)) throw Malformed($"{label}: every entry of '{key}' must be [output pixels, efficiency], got {p.GetRawText()}", file);
                if (!pair[0].TryGetInt64(out var pixels) || pixels <= 0) throw Malformed($"{label}: '{key}' output pixels must be a positive whole number, got {pair[0].GetRawText()}", file);
                if (points.Count > 0 && pixels <= points[^1].OutputPixels) throw Malformed($"{label}: '{key}' output pixels must ascend, got {pixels} after {points[^1].OutputPixels}", file);
                if (!pair[1].TryGetDecimal(out var e) || e <= 0 || e > 1) throw Malformed($"{label}: '{key}' efficiency must be in (0, 1], got {pair[1].GetRawText()}", file);
                points.Add(new ConvEfficiencyPoint(pixels, (double)e));
            }
            map[c.Name] = points;
        }
        return map.Count == 0 ? ConvEfficiencyCurve.None : new ConvEfficiencyCurve(map);
    }

    private static string? TensorRt(Dictionary<string, JsonElement> f, string label, string? file)
    {
        if (!f.TryGetValue("tensorRt", out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw Malformed($"{label}: 'tensorRt' must be a version string (\"8.2\") or null", file);
        var version = TensorRtVersion.TryParse(v.GetString());
        return version?.ToString() ?? throw Malformed($"{label}: 'tensorRt' must be MAJOR.MINOR (\"8.2\"), got \"{v.GetString()}\"", file);
    }

    /// <summary>`precisions`: a non-empty array of distinct fp32, fp16, int8 that includes fp32; absent means all three.</summary>
    private static IReadOnlyList<Precision> Precisions(Dictionary<string, JsonElement> f, string label, string? file)
    {
        if (!f.TryGetValue("precisions", out var v)) return DeviceProfile.AllPrecisions;
        if (v.ValueKind != JsonValueKind.Array) throw Malformed($"{label}: 'precisions' must be an array of fp32, fp16, int8", file);
        var list = new List<Precision>();
        foreach (var e in v.EnumerateArray())
        {
            var text = e.ValueKind == JsonValueKind.String ? e.GetString()! : null;
            var p = text is null ? null : TargetPrecisionNames.Parse(text);
            if (p is null || text != p.Value.Name())
            {
                var shown = text is null ? Kind(e) : $"'{(text.Length > 20 ? text[..20] + "…" : text)}'";
                throw Malformed($"{label}: 'precisions' lists {shown}; known precisions: fp32, fp16, int8", file);
            }
            if (list.Contains(p.Value)) throw Malformed($"{label}: 'precisions' lists {text} twice", file);
            list.Add(p.Value);
        }
        if (!list.Contains(Precision.Fp32)) throw Malformed($"{label}: 'precisions' must include fp32 (every part can fall back to it)", file);
        return list;
    }

    private static IReadOnlyList<string> Sources(Dictionary<string, JsonElement> f, string label, string? file)
    {
        if (!f.TryGetValue("sources", out var v)) return [];
        if (v.ValueKind != JsonValueKind.Array) throw Malformed($"{label}: 'sources' must be an array of strings", file);
        var list = new List<string>();
        foreach (var s in v.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(s.GetString())) throw Malformed($"{label}: every entry of 'sources' must be a non-empty string", file);
            list.Add(s.GetString()!);
        }
        return list;
    }

    /// <summary>What a JSON value is, in words, for error messages ('a string', 'an array' …).</summary>
    internal static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => "a number",
        _ => v.ValueKind.ToString(),
    };

    internal static CodesignException Malformed(string message, string? file) =>
        new(ErrorCodes.DeviceProfileMalformed, "device profile: " + message, file);
}
