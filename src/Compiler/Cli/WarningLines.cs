using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>How every command prints the warnings its passes and analyses raised: one line each on stderr, with the code.</summary>
internal static class WarningLines
{
    public static void Write(IEnumerable<Diagnostic> warnings, string source, TextWriter error)
    {
        foreach (var d in warnings) error.WriteLine($"{source}: warning {d.Code}: {d.Message}");
    }

    /// <summary>The same lines, also recorded for `--diagnostics FILE`.</summary>
    public static void Write(IEnumerable<Diagnostic> warnings, string source, CliOutput output)
    {
        foreach (var d in warnings) output.Diagnostics.Warning(output.Error, d.Code, source, d.Message);
    }
}
