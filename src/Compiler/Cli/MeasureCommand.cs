using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `measure DIR/plan.json [--host PROFILE] [--json FILE|-]` times each part of a compiled plan on this host and sets it
/// beside the host profile's prediction (measure.json beside plan.json, or --json FILE; --json - prints it instead).
/// `measure (MODEL | --sample NAME) [--host PROFILE] [--compare PROFILE]… [--cuts N|all] [--json FILE|-]` sweeps
/// two-part cuts of a model instead and reports how well the host profile ranks and predicts the parts:
/// Spearman's rank correlation and the mean absolute percentage error. Without --host the host is probed in the same
/// interleaved rounds as the parts (<see cref="HostTiming"/>), so profile and measurements see the same host.
/// A first argument ending in .json is a plan; any other is a model.
/// </summary>
internal static class MeasureCommand
{
    public const int DefaultCuts = 15;

    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("measure", cmd =>
    {
        cmd.Description = "Time a compiled plan's parts (or a sweep of a model's cuts) on this host against the host profile's predictions.";
        cmd.HelpOption("-h|--help");
        var target = cmd.Argument("PLAN|MODEL", "a plan.json written by compile (its partK.onnx files beside it), or an ONNX model whose cuts to sweep");
        var sample = cmd.Option("--sample <NAME>", "sweep the cuts of a built-in sample (repvgg-a0, resnet50, …)", CommandOptionType.SingleValue);
        var host = cmd.Option("--host <PROFILE>", "this host's profile (from probe); default: probe this host in the same rounds as the parts", CommandOptionType.SingleValue);
        var compare = cmd.Option("--compare <PROFILE>", "sweep: also score another profile's predictions against the same measurements", CommandOptionType.MultipleValue);
        var cuts = cmd.Option("--cuts <N>", $"sweep: at most N evenly spaced cuts, or all (default {DefaultCuts})", CommandOptionType.SingleValue);
        var shape = cmd.Option("--shape <BINDING>", "bind an input's shape (input=1x3x224x224) or a symbolic dimension (batch=4)", CommandOptionType.MultipleValue);
        var timing = TimingArguments.Add(cmd, TimingOptions.Default);
        var json = CliConventions.Json(cmd, "the measurements (for a plan, in place of measure.json beside plan.json)");
        CliConventions.Examples(cmd,
            "measure out/plan.json --host host.json",
            "measure model.onnx --host host.json --compare jetson-nano --cuts 5",
            "measure --sample repvgg-a0 --runs 5 --json sweep.json");
        cmd.OnExecute(() =>
        {
            var isPlan = target.Value is { } first && first.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
            if (target.Value is null && !sample.HasValue()) throw new CommandParsingException(cmd, "measure needs PLAN (a plan.json), MODEL or --sample NAME");
            if (isPlan && sample.HasValue()) throw new CommandParsingException(cmd, "give either PLAN or --sample, not both");
            if (isPlan && (compare.HasValue() || cuts.HasValue())) throw new CommandParsingException(cmd, "--compare and --cuts are for a sweep (MODEL or --sample NAME), not a plan");
            var max = ParseCuts(cmd, cuts.Value());
            var options = timing.Parse(cmd);
            CliConventions.CheckOutput(cmd, json);
            var bindings = ShapeBindings.Parse(shape.Values!);
            var compared = compare.Values.Select(v => DeviceCatalog.Resolve(v!)).ToList(); // refused before the probe, if at all
            var hostSource = host.Value() is { } spec ? HostSource.Given(DeviceCatalog.Resolve(spec)) : HostSource.ProbedAlongside();
            string text, report, file;
            if (!isPlan)
            {
                var (loaded, name) = ModelSource.Open(target.Value, sample.Value());
                using (loaded)
                {
                    SweepResult result;
                    using (var progress = Progress.For(output))
                    {
                        result = CutSweep.Run(loaded, name, bindings, hostSource, compared, max, options, (label, done, total) => progress.Report(label, done, total));
                    }
                    WarningLines.Write(result.Warnings, loaded.Path ?? name, output.Error);
                    ProbeWarnings(result.ProbeWarnings, output);
                    (text, report) = (MeasureReport.SweepJson(result), MeasureReport.SweepText(result));
                }
                file = json.Value() ?? "";
            }
            else
            {
                PlanMeasurementResult result;
                using (var progress = Progress.For(output))
                {
                    result = PlanMeasurement.FromFile(target.Value!, hostSource, options, (label, done, total) => progress.Report(label, done, total));
                }
                ProbeWarnings(result.ProbeWarnings, output);
                (text, report) = (MeasureReport.PlanJson(result), MeasureReport.PlanText(result));
                file = json.Value() ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target.Value!))!, MeasureReport.FileName);
            }
            if (file == "-")
            {
                output.Out.Write(text);
                return ExitCodes.Success;
            }
            if (file.Length > 0) AtomicFile.WriteText(file, text);
            output.Out.Write(report);
            if (file.Length > 0) output.Out.WriteLine($"wrote {file}");
            return ExitCodes.Success;
        });
    });

    /// <summary>The warnings of a probe run alongside the parts (a busy host), on standard error.</summary>
    public static void ProbeWarnings(IReadOnlyList<string> warnings, CliOutput output)
    {
        foreach (var warning in warnings) output.Error.WriteLine($"{CodesignCli.ToolName}: warning: {warning}");
    }

    private static int ParseCuts(CommandLineApplication cmd, string? text)
    {
        if (text is null) return DefaultCuts;
        if (text.Equals("all", StringComparison.OrdinalIgnoreCase)) return 0;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new CommandParsingException(cmd, $"--cuts '{text}' is neither a whole number of at least 1 nor all");
    }
}
