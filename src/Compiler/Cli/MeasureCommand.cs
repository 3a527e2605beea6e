using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `measure DIR/plan.json [--host PROFILE]` times each part of a compiled plan on this host and sets it beside
/// the host profile's prediction (measure.json beside plan.json, or -o FILE).
/// `measure (--model FILE | --sample NAME) [--host PROFILE] [--compare PROFILE]… [--cuts N|all]` sweeps
/// two-part cuts of a model instead and reports how well the host profile ranks and predicts the parts:
/// Spearman's rank correlation and the mean absolute percentage error. Without --host the host is probed first.
/// </summary>
internal static class MeasureCommand
{
    public const int DefaultCuts = 15;

    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("measure", cmd =>
    {
        cmd.Description = "Time a compiled plan's parts (or a sweep of a model's cuts) on this host against the host profile's predictions.";
        cmd.HelpOption("-h|--help");
        var plan = cmd.Argument("PLAN", "a plan.json written by compile (its partK.onnx files beside it)");
        var modelFile = cmd.Option("--model <FILE>", "sweep the cuts of this ONNX model instead of a plan", CommandOptionType.SingleValue);
        var sample = cmd.Option("--sample <NAME>", "sweep the cuts of a built-in sample (repvgg-a0, resnet50, …)", CommandOptionType.SingleValue);
        var host = cmd.Option("--host <PROFILE>", "this host's profile (from probe); default: probe now", CommandOptionType.SingleValue);
        var compare = cmd.Option("--compare <PROFILE>", "sweep: also score another profile's predictions against the same measurements", CommandOptionType.MultipleValue);
        var cuts = cmd.Option("--cuts <N>", $"sweep: at most N evenly spaced cuts, or all (default {DefaultCuts})", CommandOptionType.SingleValue);
        var shape = cmd.Option("--shape <BINDING>", "bind an input's shape (input=1x3x224x224) or a symbolic dimension (batch=4)", CommandOptionType.MultipleValue);
        var timing = TimingArguments.Add(cmd, TimingOptions.Default);
        var outFile = cmd.Option("-o|--output <FILE>", "where to write the JSON (plan: default measure.json beside plan.json), or - to print it instead of the table", CommandOptionType.SingleValue);
        var json = cmd.Option("--json", "print the JSON instead of the table", CommandOptionType.NoValue);
        cmd.OnExecute(() =>
        {
            var sweep = modelFile.HasValue() || sample.HasValue();
            if (sweep == (plan.Value is not null))
            {
                throw new CommandParsingException(cmd, "measure needs either PLAN (a plan.json) or --model FILE / --sample NAME");
            }
            var options = timing.Parse(cmd);
            var profile = HostProfile(host.Value(), options, output);
            string text, report, target;
            if (sweep)
            {
                var max = ParseCuts(cmd, cuts.Value());
                var profiles = new List<DeviceProfile> { profile };
                profiles.AddRange(compare.Values.Select(v => DeviceCatalog.Resolve(v!)));
                var (loaded, name) = ModelSource.Open(modelFile.Value(), sample.Value());
                using (loaded)
                {
                    using var progress = Progress.For(output);
                    var result = CutSweep.Run(loaded, name, ShapeBindings.Parse(shape.Values!), profiles, max, options, (label, done, total) => progress.Report(label, done, total));
                    (text, report) = (MeasureReport.SweepJson(result), MeasureReport.SweepText(result));
                }
                target = outFile.Value() ?? "";
            }
            else
            {
                PlanMeasurementResult result;
                using (var progress = Progress.For(output))
                {
                    result = PlanMeasurement.FromFile(plan.Value!, profile, options, (label, done, total) => progress.Report(label, done, total));
                }
                (text, report) = (MeasureReport.PlanJson(result), MeasureReport.PlanText(result));
                target = outFile.Value() ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(plan.Value!))!, MeasureReport.FileName);
            }
            var toStdout = target == "-";
            if (toStdout) target = "";
            if (target.Length > 0) AtomicFile.WriteText(target, text);
            if (json.HasValue() || toStdout) output.Out.Write(text);
            else
            {
                output.Out.Write(report);
                if (target.Length > 0) output.Out.WriteLine($"wrote {target}");
            }
            return ExitCodes.Success;
        });
    });

    /// <summary>The profile given (a file or a built-in name), or this host probed now with the same timing.</summary>
    public static DeviceProfile HostProfile(string? spec, TimingOptions timing, CliOutput output)
    {
        if (spec is not null) return DeviceCatalog.Resolve(spec);
        output.Error.WriteLine("no --host profile given: probing this host first (save one with `codesign-compile probe -o host.json`)");
        ProbeResult probe;
        using (var progress = Progress.For(output))
        {
            probe = HostProbe.Run(new ProbeOptions { Timing = timing with { Runs = Math.Min(timing.Runs, 5), Warmup = Math.Min(timing.Warmup, 2) } },
                (label, done, total) => progress.Report(label, done, total));
        }
        foreach (var warning in probe.Warnings) output.Error.WriteLine($"{CodesignCli.ToolName}: warning: {warning}");
        return probe.Profile;
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
