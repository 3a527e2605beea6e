using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// The command line: `dotnet codesign-compile COMMAND …`. Library code throws coded errors; this is the
/// one place that turns them into a line on stderr in MSBuild's canonical form and an exit code.
/// </summary>
public static class CodesignCli
{
    public const string ToolName = "codesign-compile";

    public static int Run(string[] args, CliOutput output)
    {
        var app = new CommandLineApplication(throwOnUnexpectedArg: true)
        {
            Name = ToolName,
            FullName = "OnnxCoDesign compiler",
            Description = "Co-designs a CNN's structure and its partition across edge devices from its ONNX model.",
            Out = output.Out,
            Error = output.Error,
            // `@file` reads one argument per line: the MSBuild task passes its flags this way, paths with spaces
            // included. ResponseFiles expands them (through the same guarded reads as every input file).
            ResponseFileHandling = ResponseFileHandling.Disabled,
        };
        app.HelpOption("-h|--help");
        app.VersionOption("--version", () => typeof(CodesignCli).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        AnalyzeCommand.Register(app, output);
        SampleCommand.Register(app, output);
        CompileCommand.Register(app, output);
        FuseCommand.Register(app, output);
        VerifyCommand.Register(app, output);
        DevicesCommand.Register(app, output);
        SimulateCommand.Register(app, output);
        ProbeCommand.Register(app, output);
        MeasureCommand.Register(app, output);
        foreach (var command in app.Commands) command.ResponseFileHandling = app.ResponseFileHandling;
        app.OnExecute(() =>
        {
            app.ShowHelp();
            return ExitCodes.UsageError;
        });

        try
        {
            return app.Execute(ResponseFiles.Expand(args));
        }
        catch (CodesignException e)
        {
            output.Error.WriteLine(e.Canonical);
            return ExitCodes.InputError;
        }
        catch (CommandParsingException e)
        {
            output.Error.WriteLine($"{ToolName}: error {ErrorCodes.UsageError}: {e.Message}");
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("CODESIGN_DEBUG") is null)
        {
            output.Error.WriteLine($"{ToolName}: error OCD9999: internal error ({e.GetType().Name}): {e.Message.ReplaceLineEndings(" ")}");
            return ExitCodes.InternalError;
        }
    }
}
