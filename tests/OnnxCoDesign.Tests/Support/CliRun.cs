using OnnxCoDesign.Compiler.Cli;

namespace OnnxCoDesign.Tests.Support;

/// <summary>Runs the CLI in-process and captures what it prints.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = CodesignCli.Run(args, new CliOutput(stdout, stderr));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
