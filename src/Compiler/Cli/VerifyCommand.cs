using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Reports;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `verify ((ORIGINAL | --sample NAME) REWRITTEN | (ORIGINAL | --sample NAME) --plan DIR/plan.json) [--inputs N] [--seed S] [--data FILE]... [--shape NAME=DIMS]... [--tolerance X]
/// [--precision fp32|fp16|int8] [--validation DATA [--labels LABELS]] [--preprocess SPEC] [--calibration DATA] [--json FILE|-]`:
/// runs both models in ONNX Runtime on the same inputs and compares every output; with --validation both are also scored
/// on the data (top-1/top-5 with labels), REWRITTEN quantized to int8 QDQ first when --calibration is given. Exit 0 when all are within the tolerance, 3 when one is not.
/// </summary>
internal static class VerifyCommand
{
    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("verify", cmd =>
    {
        cmd.Description = "Check that a rewritten model computes what the original does (ONNX Runtime, same inputs, every output).";
        cmd.HelpOption("-h|--help");
        var original = cmd.Argument("ORIGINAL", "the reference ONNX model");
        var rewritten = cmd.Argument("REWRITTEN", "the rewritten (fused, partitioned, …) ONNX model");
        var inputs = CliConventions.Inputs(cmd, "to run");
        var seed = CliConventions.Seed(cmd, "the input generator");
        var data = cmd.Option("--data <FILE>", "an input as .npy or TensorProto .pb (named after its input), or a test-data directory; repeatable", CommandOptionType.MultipleValue);
        var shape = cmd.Option("--shape <BINDING>", "bind an input's shape (input=1x3x224x224) or a symbolic dimension (batch=4)", CommandOptionType.MultipleValue);
        var tolerance = cmd.Option("--tolerance <X>", "largest relative error accepted, max|a-b|/max|original| (default 1e-4; with --plan, a plan with fp16 links 1e-2, with int8 links 1e-1)", CommandOptionType.SingleValue);
        var precision = CliConventions.Precision(cmd, "also measure the deviation with the rewritten model's weights rounded to fp32, fp16 or int8");
        var json = CliConventions.Json(cmd, "the report");
        var plan = cmd.Option("--plan <PLAN>", "compare ORIGINAL with the parts of a compiled plan (DIR/plan.json) run chained, instead of REWRITTEN", CommandOptionType.SingleValue);
        var sample = cmd.Option("--sample <NAME>", "the built-in sample to compare against, instead of ORIGINAL (REWRITTEN is then the only file)", CommandOptionType.SingleValue);
        var dataSets = AccuracyOptions.Register(cmd);
        CliConventions.Examples(cmd,
            "verify model.onnx fused.onnx",
            "verify --sample repvgg-a0 a0.onnx --precision int8 --json report.json",
            "verify model.onnx --plan out/plan.json --inputs 8 --seed 1",
            "verify model.onnx fused.onnx --precision int8 --calibration calib.npy --validation val.npy --labels val-labels.npy");
        cmd.OnExecute(() =>
        {
            // With --sample the one positional file is the candidate: REWRITTEN, as in `verify --sample NAME REWRITTEN`.
            var (originalFile, rewrittenFile) = sample.HasValue() && rewritten.Value is null ? (null, original.Value) : (original.Value, rewritten.Value);
            if (plan.HasValue() && rewrittenFile is not null) throw Usage(cmd, "--plan takes the place of REWRITTEN");
            if (sample.HasValue() && originalFile is not null) throw Usage(cmd, "give either ORIGINAL or --sample, not both");
            if (!plan.HasValue() && rewrittenFile is null) throw Usage(cmd, "verify needs (ORIGINAL | --sample NAME) REWRITTEN (or --plan DIR/plan.json in place of REWRITTEN)");
            if (data.HasValue() && (inputs.HasValue() || seed.HasValue())) throw Usage(cmd, "--data gives the inputs; --inputs and --seed apply only to generated inputs");
            CliConventions.CheckOutput(cmd, json);
            var accuracy = AccuracyOptions.Parse(cmd, dataSets);
            if (accuracy.Calibration is not null && (plan.HasValue() || CliConventions.ParsePrecision(cmd, precision) != Precision.Int8 || accuracy.Validation is null))
            {
                throw Usage(cmd, "--calibration quantizes REWRITTEN to int8 for scoring on --validation: give --precision int8 and --validation DATA, and a model, not --plan");
            }
            var options = new VerifyOptions
            {
                Inputs = CliConventions.ParseInputs(cmd, inputs),
                Seed = CliConventions.ParseSeed(cmd, seed),
                DataFiles = data.Values.Where(v => v is not null).Select(v => v!).ToList(),
                Bindings = ShapeBindings.Parse(shape.Values.Where(v => v is not null).Select(v => v!)),
                Tolerance = tolerance.HasValue() ? ParseTolerance(cmd, tolerance.Value()!) : VerifyOptions.DefaultTolerance,
                Precision = CliConventions.ParsePrecision(cmd, precision),
            };
            var (reference, referenceName) = originalFile is not null && !plan.HasValue() ? (ModelLoader.Load(originalFile), originalFile) : ModelSource.Open(originalFile, sample.Value());
            using var _ = reference;
            var (report, candidateName) = plan.HasValue()
                ? (ComparePlan(reference, plan.Value()!, options, tolerance.HasValue()), $"the parts of {plan.Value()} chained")
                : (CompareModel(reference, rewrittenFile!, options), rewrittenFile!);

            var evaluation = accuracy.Validation is null ? null
                : plan.HasValue() ? ScorePlan(reference, referenceName, plan.Value()!, accuracy)
                : ScoreModel(reference, referenceName, rewrittenFile!, accuracy);
            // Build the JSON before writing anything, so a failure leaves nothing behind.
            var jsonText = json.HasValue() ? VerifyReportJson.Write(report, referenceName, candidateName, evaluation) : null;
            if (json.Value() == "-") output.Out.Write(jsonText);
            else
            {
                if (jsonText is not null) AtomicFile.WriteText(json.Value()!, jsonText);
                VerifyReportText.Write(report, referenceName, candidateName, output.Out);
                if (evaluation is not null) EvaluateReport.WriteText(evaluation, output.Out);
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
    /// <param name="toleranceGiven">Without --tolerance, a plan whose links carry a lossy wire format is held to that format's stated tolerance (<see cref="PlanWire.Tolerance"/>).</param>
    private static VerifyReport ComparePlan(LoadedModel reference, string planPath, VerifyOptions options, bool toleranceGiven)
    {
        if (!toleranceGiven)
        {
            var lossiest = PlanReader.Read(planPath).Document.Transfers
                .Select(t => t.Wire is { } w && WireFormats.TryParse(w, out var f) ? f : WireFormat.Fp32).DefaultIfEmpty(WireFormat.Fp32).Max();
            // Parts compile wrote in fp16 (storedPrecision) compute in fp16 throughout: at least that tolerance.
            var cast = PlanReader.Read(planPath).Document.Parts.Any(p => p.StoredPrecision == "fp16");
            options = options with { Tolerance = Math.Max(PlanWire.Tolerance(lossiest), cast ? CompilePipeline.Fp16PartTolerance : 0) };
        }
        var (parts, _) = PlanChain.LoadParts(planPath);
        try
        {
            return ChainedVerifier.Compare(reference, parts, options);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>--validation: the original and REWRITTEN (quantized to QDQ first with --calibration) scored on the data.</summary>
    private static EvaluateDocument ScoreModel(LoadedModel reference, string referenceName, string rewritten, AccuracyOptions accuracy)
    {
        using var candidate = ModelLoader.Load(rewritten);
        using var lowering = new PrecisionLowering(accuracy.CalibrationSet(InputSignature.Of(candidate.Model, candidate.Path)), accuracy.Settings);
        using var scored = accuracy.Calibration is null ? candidate.Derived(candidate.Model) : lowering.Lower(candidate, Precision.Int8, null, candidate, "rewritten");
        using var session = new OrtModel(scored);
        var form = accuracy.Calibration is null ? "file" : "int8";
        return ValidationScoring.Score(reference, referenceName, EvaluatedModel.Of($"{rewritten} ({form})", session), "rewritten", form,
            InputSignature.Of(scored.Model, scored.Path), accuracy, lowering.CalibrationSeconds) with { SchemaVersion = null };
    }

    /// <summary>--validation with --plan: the original and the plan's parts chained as written.</summary>
    private static EvaluateDocument ScorePlan(LoadedModel reference, string referenceName, string planPath, AccuracyOptions accuracy)
    {
        var (chain, parts, precision) = PlanChain.Open(planPath);
        try
        {
            return ValidationScoring.Score(reference, referenceName, EvaluatedModel.Of($"the parts of {planPath} chained", chain), "plan", precision,
                InputSignature.Of(parts[0].Model, parts[0].Path), accuracy) with { SchemaVersion = null };
        }
        finally
        {
            chain.Dispose();
            foreach (var p in parts) p.Dispose();
        }
    }

    private static double ParseTolerance(CommandLineApplication cmd, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t >= 0 && double.IsFinite(t)
            ? t
            : throw Usage(cmd, $"--tolerance '{text}' is not a non-negative number");

    private static CommandParsingException Usage(CommandLineApplication cmd, string message) => new(cmd, message);
}
