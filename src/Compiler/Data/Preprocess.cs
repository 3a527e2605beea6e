using System.Globalization;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// How samples become model input, parsed from --preprocess
/// "resize=256,crop=224,mean=0.485,0.456,0.406,std=0.229,0.224,0.225[,scale=X]", as torchvision's
/// Resize(resize), CenterCrop(crop), ToTensor(), Normalize(mean, std) would do it:
/// <code>x = (v · scale − mean[c]) / std[c]</code>
/// where v is the stored value and c the channel. <see cref="Scale"/> defaults to 1/255 for uint8 data and
/// images (ToTensor's), 1 for float data. Resize (shorter side) and crop (centre square) apply to images only.
/// Mean and std hold one value for every channel or one per channel.
/// </summary>
public sealed record Preprocess(int? Resize, int? Crop, IReadOnlyList<float>? Mean, IReadOnlyList<float>? Std, float? Scale)
{
    public const string Form = "resize=N,crop=N,mean=M[,M,M],std=S[,S,S],scale=X";

    private static readonly string[] Keys = ["resize", "crop", "mean", "std", "scale"];

    /// <summary>Resize or crop asked for: those need decoded images.</summary>
    public bool ChangesGeometry => Resize is not null || Crop is not null;

    /// <summary>The factor applied to stored values before mean and std.</summary>
    public float ScaleFor(bool uint8) => Scale ?? (uint8 ? 1f / 255f : 1f);

    public static Preprocess Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Error(text, $"is empty; write {Form}");
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var raw in text.Split(','))
        {
            var token = raw.Trim();
            var eq = token.IndexOf('=');
            if (eq < 0)
            {
                if (current is null || token.Length == 0) throw Error(text, $"'{token}' belongs to no key; write {Form}");
                current.Add(token);
                continue;
            }
            var key = token[..eq].Trim().ToLowerInvariant();
            if (!Keys.Contains(key)) throw Error(text, $"'{token[..eq]}' is not one of {string.Join(", ", Keys)}");
            if (values.ContainsKey(key)) throw Error(text, $"'{key}' is given twice");
            current = [token[(eq + 1)..].Trim()];
            values[key] = current;
        }
        return new Preprocess(
            Size(text, values, "resize"),
            Size(text, values, "crop"),
            Floats(text, values, "mean", positive: false),
            Floats(text, values, "std", positive: true),
            Floats(text, values, "scale", positive: true) is { } scale ? Single(text, "scale", scale) : null);
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Resize is { } r) parts.Add($"resize={r.ToString(CultureInfo.InvariantCulture)}");
        if (Crop is { } c) parts.Add($"crop={c.ToString(CultureInfo.InvariantCulture)}");
        if (Mean is not null) parts.Add("mean=" + string.Join(",", Mean.Select(Text)));
        if (Std is not null) parts.Add("std=" + string.Join(",", Std.Select(Text)));
        if (Scale is { } s) parts.Add("scale=" + Text(s));
        return string.Join(",", parts);
    }

    public bool Equals(Preprocess? other) =>
        other is not null && Resize == other.Resize && Crop == other.Crop && Scale == other.Scale
        && Same(Mean, other.Mean) && Same(Std, other.Std);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static bool Same(IReadOnlyList<float>? a, IReadOnlyList<float>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    private static string Text(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static int? Size(string text, Dictionary<string, List<string>> values, string key)
    {
        if (!values.TryGetValue(key, out var items)) return null;
        if (items.Count != 1) throw Error(text, $"{key} takes one whole number, not {items.Count}");
        return int.TryParse(items[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 65536 ? n
            : throw Error(text, $"{key} '{items[0]}' is not a whole number from 1 to 65536");
    }

    private static float[]? Floats(string text, Dictionary<string, List<string>> values, string key, bool positive)
    {
        if (!values.TryGetValue(key, out var items)) return null;
        return items.Select(item => Number(text, key, item) is var v && (!positive || v > 0) ? v
            : throw Error(text, $"{key} '{item}' must be greater than zero")).ToArray();
    }

    /// <summary>A decimal number, or a fraction such as 1/255 (for scale).</summary>
    private static float Number(string text, string key, string item)
    {
        var slash = item.IndexOf('/');
        if (slash > 0 && Parse(item[..slash]) is { } num && Parse(item[(slash + 1)..]) is { } den && den != 0) return (float)(num / den);
        return Parse(item) is { } v ? (float)v : throw Error(text, $"{key} '{item}' is not a number");

        static double? Parse(string s) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && float.IsFinite((float)v) ? v : null;
    }

    private static float Single(string text, string key, float[] values) =>
        values.Length == 1 ? values[0] : throw Error(text, $"{key} takes one number, not {values.Length}");

    private static CodesignException Error(string text, string why) =>
        new(ErrorCodes.PreprocessSyntax, $"--preprocess '{text}': {why}");
}
