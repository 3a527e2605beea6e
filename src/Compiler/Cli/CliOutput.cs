namespace OnnxCoDesign.Compiler.Cli;

/// <summary>The writers a command prints to, so tests can run the CLI in-process.</summary>
public sealed record CliOutput(TextWriter Out, TextWriter Error)
{
    public static CliOutput Console => new(System.Console.Out, System.Console.Error);
}
