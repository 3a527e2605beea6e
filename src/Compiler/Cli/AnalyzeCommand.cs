using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Reports;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>`analyze (MODEL | --sample NAME) [--shape NAME=DIMS]... [--json FILE|-] [--csv FILE|-]`: shapes and costs per node.</summary>
internal static class AnalyzeCommand
{
    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("analyze", cmd =>
    {
        cmd.Description = "Infer shapes and count FLOPs and bytes per node; print a table, write JSON or CSV.";
        cmd.HelpOption("-h|--help");
        var model = cmd.Argument("MODEL", "the ONNX model file");
        var sample = cmd.Option("--sample <NAME>", "analyze a built-in sample instead of a file (repvgg-a0, resnet50, …)", CommandOptionType.SingleValue);
        var shape = cmd.Option("--shape <BINDING>", "bind an input's shape (input=1x3x224x224) or a symbolic dimension (batch=4)", CommandOptionType.MultipleValue);
        var json = CliConventions.Json(cmd, "the analysis");
        var csv = cmd.Option("--csv <FILE>", "write the per-node table as CSV to FILE, or to stdout with -", CommandOptionType.SingleValue);
        CliConventions.Examples(cmd, "analyze model.onnx", "analyze --sample resnet50 --json analysis.json", "analyze model.onnx --shape batch=4 --csv -");
        cmd.OnExecute(() =>
        {
            CliConventions.CheckOutput(cmd, json);
            CliConventions.CheckOutput(cmd, csv);
            var bindings = ShapeBindings.Parse(shape.Values);
            var (loaded, name) = ModelSource.Open(model.Value, sample.Value());
            using (loaded)
            {
                var analysis = ModelAnalysis.Run(loaded, name, bindings);
                var toStdout = json.Value() == "-" || csv.Value() == "-";
                // Build every output before writing any, so a failure leaves nothing behind.
                var jsonText = json.HasValue() ? AnalyzeJson.Write(analysis) : null;
                var csvText = csv.HasValue() ? AnalyzeCsv.Write(analysis) : null;
                Emit(json.Value(), jsonText, output);
                Emit(csv.Value(), csvText, output);
                if (!toStdout) AnalyzeTable.Write(analysis, output.Out);
                foreach (var d in analysis.Diagnostics) output.Error.WriteLine($"{loaded.Path ?? name}: warning {d.Code}: {d.Message}");
            }
            return ExitCodes.Success;
        });
    });

    private static void Emit(string? destination, string? text, CliOutput output)
    {
        if (destination is null || text is null) return;
        if (destination == "-") output.Out.Write(text);
        else AtomicFile.WriteText(destination, text);
    }
}
