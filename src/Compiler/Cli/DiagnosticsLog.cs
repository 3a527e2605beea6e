using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// Every warning and error of one run, as stderr shows them and as data: `--diagnostics FILE` writes them for the MSBuild
/// task, which logs each as an MSBuild warning or error with its code and file, and names the item metadata behind an
/// option's error. stderr keeps its lines (<c>FILE: warning CODE: message</c>) for people and scripts.
/// The file has one diagnostic a line, five tab-separated fields: severity (warning|error), code, file (empty: none),
/// option (the option whose value caused it, e.g. --devices; empty: none), message. A tab or line break in a field is
/// a space. It is written when the run ends, whatever the outcome, so an empty file is a clean run.
/// </summary>
public sealed class DiagnosticsLog
{
    public const string OptionName = "--diagnostics";

    /// <summary>Errors whose message does not start with the option it is about, and the option.</summary>
    private static readonly Dictionary<string, string> OptionByCode = new(StringComparer.Ordinal)
    {
        [ErrorCodes.UnknownDevice] = "--devices",
        [ErrorCodes.DeviceProfileMalformed] = "--devices",
        [ErrorCodes.DeviceListMalformed] = "--devices",
        [ErrorCodes.DeviceChainTooLong] = "--devices",
        [ErrorCodes.DeviceRepeated] = "--devices",
        [ErrorCodes.LinkSpecMalformed] = "--link",
        [ErrorCodes.CalibrationMethodUnknown] = "--calibration-method",
    };

    private readonly List<string> _lines = new();

    /// <summary>Prints <c>SOURCE: warning CODE: message</c> on <paramref name="error"/> and records it.</summary>
    public void Warning(TextWriter error, string code, string source, string message)
    {
        error.WriteLine($"{source}: warning {code}: {message}");
        Add("warning", code, source, null, message);
    }

    /// <summary>Records an error the caller printed; its option comes from the code or the message's first word.</summary>
    public void Error(string code, string? file, string message) => Add("error", code, file, OptionOf(code, message), message);

    /// <summary>The lines of the file, in the order the diagnostics were raised.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return _lines.ToList();
        }
    }

    public void WriteTo(string path) => AtomicFile.WriteText(path, string.Concat(Lines.Select(l => l + "\n")));

    /// <summary>
    /// The option an error is about: the code's own option when the code belongs to one, else the `--name` the
    /// message starts with (the CLI words option errors that way: "--precision 'x' is not one of …").
    /// </summary>
    public static string? OptionOf(string code, string message)
    {
        if (OptionByCode.TryGetValue(code, out var option)) return option;
        var text = message.TrimStart();
        if (!text.StartsWith("--", StringComparison.Ordinal)) return null;
        var end = 2;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '-')) end++;
        return end > 2 ? text[..end] : null;
    }

    private void Add(string severity, string code, string? file, string? option, string message)
    {
        var line = string.Join('\t', new[] { severity, code, file ?? "", option ?? "", message }.Select(Field));
        lock (_lines) _lines.Add(line);
    }

    private static string Field(string text) => text.ReplaceLineEndings(" ").Replace('\t', ' ').Trim();
}
