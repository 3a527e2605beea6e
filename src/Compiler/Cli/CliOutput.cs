namespace OnnxCoDesign.Compiler.Cli;

/// <summary>The writers a command prints to, so tests can run the CLI in-process.</summary>
public sealed record CliOutput(TextWriter Out, TextWriter Error)
{
    /// <summary>The run's warnings and errors as data (`--diagnostics FILE`); <see cref="CodesignCli.Run"/> gives each run its own.</summary>
    public DiagnosticsLog Diagnostics { get; init; } = new();

    public static CliOutput Console => new(System.Console.Out, System.Console.Error);
}
