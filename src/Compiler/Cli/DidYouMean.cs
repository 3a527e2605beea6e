using McMaster.Extensions.CommandLineUtils;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// "did you mean …?" for a misspelt command or option: the known name closest to what was typed, by edit
/// distance, when it is at most <see cref="MaxDistance"/> edits away.
/// </summary>
public static class DidYouMean
{
    public const int MaxDistance = 2;

    /// <summary>"; did you mean 'NAME'?", or "" when nothing known is close.</summary>
    public static string Hint(UnrecognizedCommandParsingException e)
    {
        var typed = Typed(e.Message);
        if (typed is null) return "";
        var known = typed.StartsWith('-') ? OptionNames(e.Command) : e.Command.Commands.Select(c => c.Name!).Where(n => n is not null);
        var best = Closest(typed, known);
        return best is null ? "" : $"; did you mean '{best}'?";
    }

    public static string? Closest(string typed, IEnumerable<string> known) => known
        .Select(name => (name, distance: Distance(typed, name)))
        .Where(x => x.distance <= MaxDistance && x.distance < typed.Length)
        .OrderBy(x => x.distance).ThenBy(x => x.name, StringComparer.Ordinal)
        .Select(x => x.name)
        .FirstOrDefault();

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>The argument the parser quotes ("Unrecognized option '--jsn'"), without an =VALUE or :VALUE.</summary>
    private static string? Typed(string message)
    {
        var start = message.IndexOf('\'');
        var end = message.LastIndexOf('\'');
        if (start < 0 || end <= start) return null;
        var typed = message[(start + 1)..end];
        var cut = typed.StartsWith('-') ? typed.IndexOfAny(['=', ':']) : -1;
        return cut > 0 ? typed[..cut] : typed;
    }

    private static IEnumerable<string> OptionNames(CommandLineApplication command)
    {
        foreach (var option in command.GetOptions())
        {
            if (option.LongName is { } longName) yield return "--" + longName;
            if (option.ShortName is { } shortName) yield return "-" + shortName;
        }
    }
}
