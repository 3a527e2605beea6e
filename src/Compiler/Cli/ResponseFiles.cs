using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// Expands `@file` arguments (one argument per line; lines starting with '#' are comments; a last empty
/// line is dropped), as CommandLineUtils' line-separated response files did, but reading the file through
/// <see cref="GuardedFile"/>: a FIFO or a device named as a response file is a coded error at once, not a
/// hang or an out-of-memory. Arguments read from a file are not expanded again (neither were they before).
/// </summary>
internal static class ResponseFiles
{
    public static string[] Expand(string[] args)
    {
        if (!args.Any(IsResponseFile)) return args;
        var expanded = new List<string>(args.Length);
        foreach (var arg in args)
        {
            if (IsResponseFile(arg)) expanded.AddRange(Lines(GuardedFile.ReadAllText(arg[1..], InputFileKind.ResponseFile)));
            else expanded.Add(arg);
        }
        return expanded.ToArray();
    }

    private static bool IsResponseFile(string arg) => arg.Length > 1 && arg[0] == '@';

    private static IEnumerable<string> Lines(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var count = lines.Length;
        if (text.EndsWith('\n') || text.EndsWith('\r')) count--; // "a\nb\n" is the lines a and b, as File.ReadAllLines reads it
        if (count > 0 && lines[count - 1].Length == 0) count--;     // and a last empty line is dropped
        return lines.Take(count).Where(l => l.Length == 0 || l[0] != '#');
    }
}
