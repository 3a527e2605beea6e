using System.Globalization;
using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>A part as plan.json lists it: <see cref="File"/> is null for a relay part (its device only forwards).</summary>
public sealed record ListedPart(int Index, string? File, string Device, double PredictedMs);

/// <summary>
/// The "parts" of a plan.json read back, checked before anything is opened or run: what compile writes is
/// one to <see cref="DeviceChain.MaxDevices"/> parts, indexed 0, 1, … in order, each file a plain name
/// (partN.onnx) beside plan.json and named once, times finite and non-negative. A plan that is not that
/// was not written by compile, and acting on it (loading 2,000 copies of one part, or a file elsewhere) is
/// refused with a code: OCD1701 a field missing or of the wrong kind, OCD1702 a part count out of bounds,
/// OCD1703 indices out of order or a file listed twice, OCD1704 a value out of range.
/// </summary>
public static class ListedParts
{
    public static IReadOnlyList<ListedPart> Read(JsonElement root, string planPath)
    {
        var parts = Field(root, "parts", JsonValueKind.Array, "the plan", planPath);
        var count = parts.GetArrayLength();
        if (count == 0) throw new CodesignException(ErrorCodes.PlanPartCount, "plan.json lists no parts", planPath);
        if (count > DeviceChain.MaxDevices)
        {
            throw new CodesignException(ErrorCodes.PlanPartCount, $"plan.json lists {count} parts; a plan has at most {DeviceChain.MaxDevices}", planPath);
        }
        var listed = new List<ListedPart>();
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parts.EnumerateArray())
        {
            var where = $"part {listed.Count}";
            if (p.ValueKind != JsonValueKind.Object) throw Malformed($"{where} is not an object", planPath);
            var index = Field(p, "index", JsonValueKind.Number, where, planPath);
            if (!index.TryGetInt32(out var i) || i != listed.Count)
            {
                throw new CodesignException(ErrorCodes.PlanPartOrder, $"plan.json lists part {Printable(index.GetRawText())} at position {listed.Count}; parts are numbered 0, 1, … in order", planPath);
            }
            var file = FileName(p, where, planPath);
            if (file is not null && !files.Add(file))
            {
                throw new CodesignException(ErrorCodes.PlanPartOrder, $"plan.json lists part file '{file}' twice", planPath);
            }
            var device = Field(p, "device", JsonValueKind.String, where, planPath).GetString()!;
            listed.Add(new ListedPart(i, file, device, Milliseconds(p, "predictedMs", where, planPath)));
        }
        return listed;
    }

    /// <summary>A required field of one JSON kind (OCD1701 when it is missing or of another kind).</summary>
    public static JsonElement Field(JsonElement owner, string name, JsonValueKind kind, string where, string planPath)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(name, out var value))
        {
            throw Malformed($"{where} has no \"{name}\"", planPath);
        }
        if (value.ValueKind != kind) throw Malformed($"\"{name}\" of {where} is {Kind(value.ValueKind)}, not {Kind(kind)}", planPath);
        return value;
    }

    /// <summary>A time in milliseconds: a finite, non-negative number (OCD1704 otherwise).</summary>
    public static double Milliseconds(JsonElement owner, string name, string where, string planPath)
    {
        var value = Field(owner, name, JsonValueKind.Number, where, planPath);
        if (!value.TryGetDouble(out var ms) || !double.IsFinite(ms) || ms < 0)
        {
            throw new CodesignException(ErrorCodes.PlanValueInvalid, $"\"{name}\" of {where} is {Printable(value.GetRawText())}; a time is a finite number ≥ 0", planPath);
        }
        return ms;
    }

    /// <summary>The part's file: null for a relay part, else a plain file name in the plan's folder (OCD1704 otherwise).</summary>
    private static string? FileName(JsonElement part, string where, string planPath)
    {
        if (!part.TryGetProperty("file", out var value)) throw Malformed($"{where} has no \"file\"", planPath);
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw Malformed($"\"file\" of {where} is {Kind(value.ValueKind)}, not a string or null", planPath);
        var file = value.GetString()!;
        // Part files sit beside plan.json; a name that leaves the folder (or is the folder) is not one compile wrote.
        var plain = file.Length > 0 && file != "." && file != ".." && file.IndexOfAny(['/', '\\', '\0']) < 0 && file == Path.GetFileName(file);
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

    /// <summary>A name as one printable line (control characters escaped), at most 80 characters.</summary>
    internal static string Printable(string s)
    {
        var escaped = string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString(CultureInfo.InvariantCulture)));
        return escaped.Length <= 80 ? escaped : escaped[..80] + "…";
    }
}
