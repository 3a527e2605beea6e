using System.Diagnostics;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Reports;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `evaluate (MODEL | --sample NAME) [--plan DIR/plan.json] --validation DATA [--labels LABELS] [--preprocess SPEC]
/// [--precision P] [--strategy S] [--calibration DATA] [--calibration-method M] [--weights-only] [--json FILE|-]`: scores the fp32
/// original and a candidate on validation data in one pass: top-1/top-5 with labels, else the output deviation
/// from the original. The candidate is the plan's parts chained exactly as written (--plan), or the model
/// re-parameterized by --strategy (default S1) at --precision (default fp32; int8 quantizes it to QDQ with
/// ranges calibrated on --calibration; --weights-only rounds the weights alone). With --plan, MODEL is optional when
/// labels are given.
/// </summary>
internal static class EvaluateCommand
{
    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("evaluate", cmd =>
    {
        cmd.Description = "Score the original and a candidate (fused at a precision, or a compiled plan's parts chained) on validation data: top-1/top-5 against labels, else output deviation.";
        cmd.HelpOption("-h|--help");
        var model = cmd.Argument("MODEL", "the fp32 original ONNX model");
        var sample = cmd.Option("--sample <NAME>", "a built-in sample as the original, instead of MODEL", CommandOptionType.SingleValue);
        var plan = cmd.Option("--plan <PLAN>", "score the parts of a compiled plan (DIR/plan.json), chained as written", CommandOptionType.SingleValue);
        var data = AccuracyOptions.Register(cmd);
        var precision = CliConventions.Precision(cmd, "the candidate's precision: fp32 (default), fp16 or int8 (QDQ, needs --calibration)");
        var strategy = cmd.Option("--strategy <S>", "the candidate's fusion strategy for every block: S1 (default), S2, S3 or S4", CommandOptionType.SingleValue);
        var weightsOnly = cmd.Option("--weights-only", "round only the weights to --precision (no activations, no calibration): the weight-only figure, for comparison", CommandOptionType.NoValue);
        var json = CliConventions.Json(cmd, "the scores");
        CliConventions.Examples(cmd,
            "evaluate model.onnx --validation t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz --preprocess mean=0.286,std=0.353",
            "evaluate model.onnx --validation val.npy --labels val-labels.npy --precision int8 --calibration calib.npy --strategy S2",
            "evaluate model.onnx --plan out/plan.json --validation images/ --preprocess resize=256,crop=224,mean=0.485,0.456,0.406,std=0.229,0.224,0.225 --json -");
        cmd.OnExecute(() =>
        {
            CliConventions.CheckOutput(cmd, json);
            var options = AccuracyOptions.Parse(cmd, data);
            if (options.Validation is null) throw new CommandParsingException(cmd, "evaluate needs --validation DATA");
            if (plan.HasValue() && (precision.HasValue() || strategy.HasValue() || options.Calibration is not null))
            {
                throw new CommandParsingException(cmd, "--plan scores the parts as they were written: --precision, --strategy and --calibration apply to a model, not a plan");
            }
            var target = CliConventions.ParsePrecision(cmd, precision) ?? TargetPrecision.Fp32;
            var fusion = strategy.HasValue() ? FusionStrategies.Parse(strategy.Value()!) : FusionStrategy.S1;
            if (weightsOnly.HasValue() && (plan.HasValue() || options.Calibration is not null))
            {
                throw new CommandParsingException(cmd, "--weights-only rounds a model's weights alone: it takes neither --plan nor --calibration");
            }
            if (target == TargetPrecision.Int8 && options.Calibration is null && !plan.HasValue() && !weightsOnly.HasValue())
            {
                throw new CodesignException(ErrorCodes.Int8NeedsCalibration, "--precision int8 quantizes activations, whose ranges come from data: give --calibration DATA");
            }
            var hasModel = model.Value is not null || sample.HasValue();
            if (!hasModel && !plan.HasValue()) throw new CommandParsingException(cmd, "evaluate needs MODEL or --sample NAME (and optionally --plan DIR/plan.json)");

            var opened = new List<IDisposable>();
            try
            {
                LoadedModel? original = null;
                string? originalName = null;
                if (hasModel)
                {
                    (original, originalName) = ModelSource.Open(model.Value, sample.Value());
                    opened.Add(original);
                }
                var clock = Stopwatch.StartNew();
                var calibrationSeconds = 0.0;
                var models = new List<EvaluatedModel>();
                var roles = new List<(string Role, string Precision)>();
                IReadOnlyList<InputSignature> signature;
                int batch;
                if (original is not null)
                {
                    var session = new OrtModel(original);
                    opened.Add(session);
                    models.Add(EvaluatedModel.Of(originalName!, session));
                    roles.Add(("original", "fp32"));
                }
                if (plan.HasValue())
                {
                    var (chain, parts, precisionText) = PlanChain.Open(plan.Value()!);
                    opened.Add(chain);
                    opened.AddRange(parts);
                    models.Add(EvaluatedModel.Of($"the parts of {plan.Value()} chained", chain));
                    roles.Add(("plan", precisionText));
                    signature = InputSignature.Of(parts[0].Model, parts[0].Path);
                    batch = 1;
                }
                else
                {
                    signature = InputSignature.Of(original!.Model, original.Path);
                    batch = Evaluator.BatchFor(signature);
                    var fused = original.Derived(FusePipeline.Run(original, originalName!, new StrategyPlan(fusion), new()).Fused.Model);
                    opened.Add(fused);
                    var lowering = new PrecisionLowering(options.CalibrationSet(signature), options.Calibration is null ? null : options.Settings);
                    opened.Add(lowering);
                    var candidate = weightsOnly.HasValue()
                        ? fused.Derived(WeightRounding.Apply(fused.Model, fused.ExternalData, target))
                        : lowering.Lower(fused, target, null, fused, fusion.ToString());
                    calibrationSeconds = lowering.CalibrationSeconds;
                    opened.Add(candidate);
                    var session = new OrtModel(candidate);
                    opened.Add(session);
                    var form = weightsOnly.HasValue() ? $"{target.Name()} weights only" : target.Name();
                    models.Add(EvaluatedModel.Of($"{originalName} {fusion} {form}", session));
                    roles.Add(("candidate", form));
                }
                using var validation = options.ValidationSet(signature);
                if (original is null && !validation.HasLabels)
                {
                    throw new CodesignException(ErrorCodes.EvaluationNeedsReference, $"{validation.Path}: without labels a plan is scored by its deviation from the original: give MODEL or --sample NAME");
                }
                clock.Restart();
                IReadOnlyList<ModelScore> scores;
                using (var progress = Progress.For(output))
                {
                    scores = Evaluator.Run(models, validation, batch, (done, total) => progress.Report("evaluate", done, total));
                }
                var seconds = clock.Elapsed.TotalSeconds;
                var document = EvaluateReport.Document(validation, options, scores, roles, original is not null, calibrationSeconds, seconds);
                if (json.HasValue()) CliConventions.WriteJson(json, CodesignJson.Write(document, CodesignJsonWriter.Default.EvaluateDocument), output);
                if (!CliConventions.JsonToStdout(json)) EvaluateReport.WriteText(document, output.Out);
                return ExitCodes.Success;
            }
            finally
            {
                for (var i = opened.Count - 1; i >= 0; i--) opened[i].Dispose();
            }
        });
    });
}
