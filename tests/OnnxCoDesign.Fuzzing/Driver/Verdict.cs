using System.Text.RegularExpressions;

namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>The outcome of a command run, and for a crash its cause: what findings are grouped by.</summary>
public sealed record Verdict(Outcome Outcome, string? Cause, string? Detail, string? Code)
{
    /// <summary>Past this an error line is not "one line" a user can read (issue 9 saw one of 200 KB).</summary>
    public const int LongestErrorLine = 1000;

    private static readonly Regex CodedError = new(@": error (OCD\d{4}): ", RegexOptions.CultureInvariant);

    public static Verdict Of(CommandRun run)
    {
        if (run.TimedOut) return new Verdict(Outcome.Hang, $"no exit within the timeout", null, null);
        if (run.Exception is { } e)
        {
            var (cause, detail) = ExceptionCause.Of(e);
            return new Verdict(Outcome.Crash, cause, detail, "OCD9999");
        }
        if (run.ExitCode == 70 || run.Error.Contains("OCD9999", StringComparison.Ordinal))
        {
            return new Verdict(Outcome.Crash, "OCD9999 " + FirstLine(run.Error), null, "OCD9999");
        }
        return run.ExitCode switch
        {
            0 => new Verdict(Outcome.Success, null, null, null),
            3 => new Verdict(Outcome.CheckFailed, "outputs differ (exit 3)", FirstLine(run.Out), null),
            1 or 2 => Refusal(run),
            _ => new Verdict(Outcome.Crash, $"exit {run.ExitCode}", FirstLine(run.Error), null),
        };
    }

    /// <summary>A refusal must be one coded line (warnings aside), no stack trace, not absurdly long.</summary>
    private static Verdict Refusal(CommandRun run)
    {
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.Contains(": warning ", StringComparison.Ordinal)).ToList();
        var codes = lines.Select(l => CodedError.Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        string? code = codes.FirstOrDefault();
        if (lines.Any(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal))) return Malformed("a stack trace on stderr", run, code);
        if (lines.Count != 1) return Malformed($"{lines.Count} error lines on stderr", run, code);
        if (code is null) return Malformed("an error line without a code", run, code);
        if (lines[0].Length > LongestErrorLine) return Malformed($"an error line over {LongestErrorLine} characters ({code})", run, code);
        return new Verdict(Outcome.Refused, null, null, code);
    }

    private static Verdict Malformed(string what, CommandRun run, string? code) =>
        new(Outcome.Crash, $"exit {run.ExitCode} with {what}", FirstLine(run.Error), code);

    private static string FirstLine(string text)
    {
        var line = text.Split('\n').FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
