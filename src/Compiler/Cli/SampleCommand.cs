using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `sample [NAME -o FILE] [--external-data] [--json FILE|-]`: lists the built-in models, or writes one as an
/// ONNX file. The JSON is {"samples": [NAME, …]} for the list and {"sample": NAME, "file": FILE} for a write,
/// each with schemaVersion first and warnings last.
/// </summary>
internal static class SampleCommand
{
    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("sample", cmd =>
    {
        cmd.Description = "List the built-in sample models, or write one to an ONNX file.";
        cmd.HelpOption("-h|--help");
        var name = cmd.Argument("NAME", "the sample to write");
        var outPath = cmd.Option("-o|--output <FILE>", "where to write the model", CommandOptionType.SingleValue);
        var external = cmd.Option("--external-data", "store the weights in FILE.data beside the model", CommandOptionType.NoValue);
        var json = CliConventions.Json(cmd, "the list (or what was written)");
        CliConventions.Examples(cmd, "sample", "sample repvgg-a0 -o repvgg-a0.onnx", "sample resnet50 -o resnet50.onnx --external-data --json -");
        cmd.OnExecute(() =>
        {
            if (name.Value is not null && !outPath.HasValue()) throw new CommandParsingException(cmd, "sample needs -o FILE");
            if (outPath.Value() == "-") throw new CommandParsingException(cmd, FuseCommand.StdoutModel);
            if (name.Value is null && (outPath.HasValue() || external.HasValue())) throw new CommandParsingException(cmd, "-o and --external-data write a sample: give its NAME");
            CliConventions.CheckOutput(cmd, outPath);
            CliConventions.CheckOutput(cmd, json);
            if (name.Value is null)
            {
                CliConventions.WriteJson(json, ListJson(), output);
                if (!CliConventions.JsonToStdout(json)) foreach (var n in SampleModels.Names) output.Out.WriteLine(n);
                return ExitCodes.Success;
            }
            var model = ModelSource.Sample(name.Value);
            ModelSaver.Save(model, outPath.Value()!, forceExternal: external.HasValue());
            CliConventions.WriteJson(json, WrittenJson(name.Value, Path.GetFileName(outPath.Value()!)), output);
            if (!CliConventions.JsonToStdout(json)) output.Out.WriteLine($"wrote {outPath.Value()}");
            return ExitCodes.Success;
        });
    });

    private static string ListJson() =>
        CodesignJson.Write(new SampleListDocument { Samples = SampleModels.Names }, CodesignJsonWriter.Default.SampleListDocument);

    private static string WrittenJson(string sample, string file) =>
        CodesignJson.Write(new SampleWrittenDocument { Sample = sample, File = file }, CodesignJsonWriter.Default.SampleWrittenDocument);
}
