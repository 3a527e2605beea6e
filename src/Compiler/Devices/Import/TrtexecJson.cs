using System.Text.Json;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Devices.Import;

/// <summary>What the trtexec profile and times readers share: checked millisecond figures and short labels.</summary>
internal static class TrtexecJson
{
    /// <summary>A finite, non-negative number of milliseconds.</summary>
    public static double Milliseconds(JsonElement v, string label, string? file, Func<string, string?, CodesignException> error)
    {
        if (v.ValueKind != JsonValueKind.Number) throw error($"{label} must be a number, got {Kind(v)}", file);
        var ms = v.GetDouble();
        if (!double.IsFinite(ms) || ms < 0) throw error($"{label} must be a non-negative number of milliseconds, got {v.GetRawText()}", file);
        return ms;
    }

    public static string Kind(JsonElement v) => DeviceProfileJson.Kind(v);

    /// <summary>A layer name cut for a one-line message (Myelin names run to kilobytes).</summary>
    public static string Short(string name) => name.Length <= 80 ? name : name[..77] + "...";
}
