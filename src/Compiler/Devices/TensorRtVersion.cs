using System.Globalization;

namespace OnnxCoDesign.Compiler.Devices;

/// <summary>
/// A TensorRT release as MAJOR.MINOR ("8.2", "10.3"). trtexec's flags change at minor releases
/// (--workspace gave way to --memPoolSize in 8.4; 11.0 dropped --fp16/--int8), so the minor matters.
/// </summary>
public readonly record struct TensorRtVersion(int Major, int Minor) : IComparable<TensorRtVersion>
{
    /// <summary>"8.2", "10.3", "8.2.1" (the patch is accepted and ignored); null when the text is not a version.</summary>
    public static TensorRtVersion? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Trim().Split('.');
        if (parts.Length is < 2 or > 4) return null;
        var numbers = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            // Digits only: no signs, spaces or exponents inside a version.
            if (parts[i].Length is 0 or > 4 || !parts[i].All(char.IsAsciiDigit)) return null;
            numbers[i] = int.Parse(parts[i], CultureInfo.InvariantCulture);
        }
        return numbers[0] == 0 ? null : new TensorRtVersion(numbers[0], numbers[1]);
    }

    public static TensorRtVersion Parse(string text) =>
        TryParse(text) ?? throw new FormatException($"'{text}' is not a TensorRT version (MAJOR.MINOR, e.g. 8.2)");

    public int CompareTo(TensorRtVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(TensorRtVersion a, TensorRtVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(TensorRtVersion a, TensorRtVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(TensorRtVersion a, TensorRtVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(TensorRtVersion a, TensorRtVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
