using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>`sample [NAME -o FILE]`: lists the built-in models, or writes one as an ONNX file.</summary>
internal static class SampleCommand
{
    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("sample", cmd =>
    {
        cmd.Description = "List the built-in sample models, or write one to an ONNX file.";
        cmd.HelpOption("-h|--help");
        var name = cmd.Argument("NAME", "the sample to write");
        var outPath = cmd.Option("-o|--output <FILE>", "where to write the model", CommandOptionType.SingleValue);
        var external = cmd.Option("--external-data", "store the weights in FILE.data beside the model", CommandOptionType.NoValue);
        cmd.OnExecute(() =>
        {
            if (name.Value is null)
            {
                foreach (var n in SampleModels.Names) output.Out.WriteLine(n);
                return ExitCodes.Success;
            }
            var model = ModelSource.Sample(name.Value);
            if (!outPath.HasValue())
            {
                output.Error.WriteLine($"{CodesignCli.ToolName}: error OCD1401: sample needs -o FILE");
                return ExitCodes.UsageError;
            }
            if (outPath.Value() == "-") throw new CommandParsingException(cmd, FuseCommand.StdoutModel);
            ModelSaver.Save(model, outPath.Value()!, forceExternal: external.HasValue());
            output.Out.WriteLine($"wrote {outPath.Value()}");
            return ExitCodes.Success;
        });
    });
}
