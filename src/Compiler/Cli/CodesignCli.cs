using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// The command line: `dotnet codesign-compile COMMAND …`. Library code throws coded errors; this is the
/// one place that turns them into a line on stderr in MSBuild's canonical form and an exit code
/// (<see cref="ExitCodes.For"/>). The conventions every command follows are in <see cref="CliConventions"/>.
/// </summary>
public static class CodesignCli
{
    /// <summary>The origin of the tool's own diagnostics (`codesign-compile: error CODE: …`).</summary>
    public const string ToolName = "codesign-compile";

    /// <summary>How the tool is run: what the usage line, the examples and hints name.</summary>
    public const string CommandLine = "dotnet codesign-compile";

    public static int Run(string[] args, CliOutput output)
    {
        output = output with { Diagnostics = new DiagnosticsLog() };
        var app = new CommandLineApplication(throwOnUnexpectedArg: true)
        {
            Name = CommandLine,
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
        var debug = app.Option("--debug", "on an internal error (OCD9999), print the whole exception with its stack trace", CommandOptionType.NoValue, inherited: true);
        var diagnostics = app.Option(DiagnosticsLog.OptionName + " <FILE>", "also write every warning and error to FILE, one a line: severity, code, file, option, message, tab-separated (for the MSBuild task)",
            CommandOptionType.SingleValue, inherited: true);
        AnalyzeCommand.Register(app, output);
        SampleCommand.Register(app, output);
        CompileCommand.Register(app, output);
        FuseCommand.Register(app, output);
        VerifyCommand.Register(app, output);
        EvaluateCommand.Register(app, output);
        DevicesCommand.Register(app, output);
        SimulateCommand.Register(app, output);
        ProbeCommand.Register(app, output);
        MeasureCommand.Register(app, output);
        foreach (var command in app.Commands)
        {
            command.ResponseFileHandling = app.ResponseFileHandling;
            (command.Out, command.Error) = (output.Out, output.Error); // help goes where the rest goes, in-process too
        }
        CliConventions.Examples(app, "compile --sample repvgg-a0 -o out", "compile --help");
        app.OnExecute(() =>
        {
            app.ShowHelp();
            return ExitCodes.UsageError;
        });

        var exit = Execute(app, args, output, debug);
        if (diagnostics.Value() is { Length: > 0 } path) output.Diagnostics.WriteTo(path);
        return exit;
    }

    private static int Execute(CommandLineApplication app, string[] args, CliOutput output, CommandOption debug)
    {
        try
        {
            var expanded = ResponseFiles.Expand(args);
            if (CliConventions.BareJson(expanded) is { } bare) return Usage(output, bare);
            return app.Execute(expanded);
        }
        catch (CodesignException e)
        {
            output.Error.WriteLine(e.Canonical);
            output.Diagnostics.Error(e.Code, e.File, e.Message);
            return ExitCodes.For(e.Code);
        }
        catch (UnrecognizedCommandParsingException e)
        {
            return Usage(output, e.Message + DidYouMean.Hint(e));
        }
        catch (CommandParsingException e)
        {
            return Usage(output, e.Message);
        }
        catch (Exception e)
        {
            var message = $"internal error ({e.GetType().Name}): {e.Message.ReplaceLineEndings(" ")}";
            output.Error.WriteLine($"{ToolName}: error {ExitCodes.InternalErrorCode}: {message}");
            output.Diagnostics.Error(ExitCodes.InternalErrorCode, null, message);
            if (debug.HasValue()) output.Error.WriteLine(e.ToString());
            return ExitCodes.InternalError;
        }
    }

    private static int Usage(CliOutput output, string message)
    {
        output.Error.WriteLine($"{ToolName}: error {ErrorCodes.UsageError}: {message}");
        output.Diagnostics.Error(ErrorCodes.UsageError, null, message);
        return ExitCodes.For(ErrorCodes.UsageError);
    }
}
