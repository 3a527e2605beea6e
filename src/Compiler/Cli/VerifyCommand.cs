using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `verify (ORIGINAL REWRITTEN | ORIGINAL --plan DIR/plan.json | --sample NAME --plan DIR/plan.json) [--inputs N] [--seed S] [--data FILE]... [--shape NAME=DIMS]... [--tolerance X]
/// [--precision fp16|int8] [--json FILE|-]`: runs both models in ONNX Runtime on the same inputs and
/// compares every output. Exit 0 when all are within the tolerance, 3 when one is not.
/// </summary>
internal static class VerifyCommand
{
    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("verify", cmd =>
    {
        cmd.Description = "Check that a rewritten model computes what the original does (ONNX Runtime, same inputs, every output).";
        cmd.HelpOption("-h|--help");
        var original = cmd.Argument("ORIGINAL", "the reference ONNX model");
        var rewritten = cmd.Argument("REWRITTEN", "the rewritten (fused, partitioned, …) ONNX model");
        var inputs = cmd.Option("--inputs <N>", "how many seeded random input samples to run (default 4)", CommandOptionType.SingleValue);
        var seed = cmd.Option("--seed <S>", "seed of the input generator (default 0)", CommandOptionType.SingleValue);
        var data = cmd.Option("--data <FILE>", "an input as .npy or TensorProto .pb (named after its input), or a test-data directory; repeatable", CommandOptionType.MultipleValue);
        var shape = cmd.Option("--shape <BINDING>", "bind an input's shape (input=1x3x224x224) or a symbolic dimension (batch=4)", CommandOptionType.MultipleValue);
        var tolerance = cmd.Option("--tolerance <X>", "largest relative error accepted, max|a-b|/max|original| (default 1e-4)", CommandOptionType.SingleValue);
        var precision = cmd.Option("--precision <P>", "also measure the deviation with the rewritten model's weights rounded to fp16 or int8", CommandOptionType.SingleValue);
        var json = cmd.Option("--json <FILE>", "write the report as JSON to FILE, or to stdout with -", CommandOptionType.SingleValue);
        var plan = cmd.Option("--plan <PLAN>", "compare ORIGINAL with the parts of a compiled plan (DIR/plan.json) run chained, instead of REWRITTEN", CommandOptionType.SingleValue);
        var sample = cmd.Option("--sample <NAME>", "with --plan: the built-in sample the plan was compiled from, instead of ORIGINAL", CommandOptionType.SingleValue);
        cmd.OnExecute(() =>
        {
            if (plan.HasValue() && rewritten.Value is not null) throw Usage(cmd, "--plan takes the place of REWRITTEN");
            if (sample.HasValue() && !plan.HasValue()) throw Usage(cmd, "--sample is for --plan; give ORIGINAL and REWRITTEN files otherwise");
            if (!plan.HasValue() && (original.Value is null || rewritten.Value is null)) throw Usage(cmd, "verify needs ORIGINAL and REWRITTEN model files (or ORIGINAL --plan DIR/plan.json)");
            if (data.HasValue() && (inputs.HasValue() || seed.HasValue())) throw Usage(cmd, "--data gives the inputs; --inputs and --seed apply only to generated inputs");
            var options = new VerifyOptions
            {
                Inputs = inputs.HasValue() ? ParseInt(cmd, inputs.Value()!, "--inputs") : 4,
                Seed = seed.HasValue() ? ParseSeed(cmd, seed.Value()!) : 0,
                DataFiles = data.Values.Where(v => v is not null).Select(v => v!).ToList(),
                Bindings = ShapeBindings.Parse(shape.Values.Where(v => v is not null).Select(v => v!)),
                Tolerance = tolerance.HasValue() ? ParseTolerance(cmd, tolerance.Value()!) : VerifyOptions.DefaultTolerance,
                Precision = precision.HasValue() ? ParsePrecision(cmd, precision.Value()!) : null,
            };
            var (reference, referenceName) = plan.HasValue() ? ModelSource.Open(original.Value, sample.Value()) : (ModelLoader.Load(original.Value!), original.Value!);
            using var _ = reference;
            var (report, candidateName) = plan.HasValue()
                ? (ComparePlan(reference, plan.Value()!, options), $"the parts of {plan.Value()} chained")
                : (CompareModel(reference, rewritten.Value!, options), rewritten.Value!);

            // Build the JSON before writing anything, so a failure leaves nothing behind.
            var jsonText = json.HasValue() ? VerifyReportJson.Write(report, referenceName, candidateName) : null;
            if (json.Value() == "-") output.Out.Write(jsonText);
            else
            {
                if (jsonText is not null) AtomicFile.WriteText(json.Value()!, jsonText);
                VerifyReportText.Write(report, referenceName, candidateName, output.Out);
            }
            foreach (var d in report.Warnings) output.Error.WriteLine($"{referenceName}: warning {d.Code}: {d.Message}");
            return report.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
    });

    private static VerifyReport CompareModel(LoadedModel reference, string rewritten, VerifyOptions options)
    {
        using var candidate = ModelLoader.Load(rewritten);
        return ModelVerifier.Compare(reference, candidate, options);
    }

    /// <summary>`verify --plan`: the plan's part files, loaded from beside plan.json and run in pipeline order.</summary>
    private static VerifyReport ComparePlan(LoadedModel reference, string planPath, VerifyOptions options)
    {
        var plan = PlanReader.Read(planPath);
        var parts = new List<LoadedModel>();
        try
        {
            foreach (var part in plan.RunnableParts()) parts.Add(ModelLoader.Load(plan.PathOf(part)));
            return ChainedVerifier.Compare(reference, parts, options);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    private static int ParseInt(CommandLineApplication cmd, string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= 100_000
            ? n
            : throw Usage(cmd, $"{option} '{text}' is not a positive integer");

    private static ulong ParseSeed(CommandLineApplication cmd, string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : throw Usage(cmd, $"--seed '{text}' is not a non-negative integer");

    private static double ParseTolerance(CommandLineApplication cmd, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t >= 0 && double.IsFinite(t)
            ? t
            : throw Usage(cmd, $"--tolerance '{text}' is not a non-negative number");

    private static TargetPrecision ParsePrecision(CommandLineApplication cmd, string text) =>
        TargetPrecisionNames.Parse(text) ?? throw Usage(cmd, $"--precision '{text}' is not fp16, int8 or fp32");

    private static CommandParsingException Usage(CommandLineApplication cmd, string message) => new(cmd, message);
}
