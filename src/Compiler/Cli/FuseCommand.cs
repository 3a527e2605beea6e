using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Reports;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `fuse (MODEL | --sample NAME) -o OUT [--strategy S1|S2|S3|S4] [--blocks FROM-TO=S]... [--verify]
/// [--inputs N] [--seed S] [--precision fp32|fp16|int8] [--calibration DATA] [--validation DATA [--labels LABELS]] [--preprocess SPEC]
/// [--json FILE|-]`: folds BN into convs and re-parameterizes RepVGG blocks, then writes the model; with --precision int8
/// and --calibration, as an explicitly quantized (QDQ) model; with --validation, the original and the written model
/// are scored on the data. With --verify the rewritten model must match the original in ONNX Runtime before anything is
/// written (exit 3 otherwise).
/// </summary>
internal static class FuseCommand
{
    /// <summary>Why a model never goes to stdout: its weights may need a .data file beside it, and the report goes there.</summary>
    public const string StdoutModel = "-o - is refused: a model is written to a file (its weights may go to a .data file beside it) and the report goes to stdout";

    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("fuse", cmd =>
    {
        cmd.Description = "Fold BatchNormalization into convs and fuse RepVGG branches by strategy; write the rewritten model.";
        cmd.HelpOption("-h|--help");
        var model = cmd.Argument("MODEL", "the ONNX model file");
        var sample = cmd.Option("--sample <NAME>", "fuse a built-in sample instead of a file", CommandOptionType.SingleValue);
        var outPath = cmd.Option("-o|--output <FILE>", "where to write the rewritten model", CommandOptionType.SingleValue);
        var strategy = cmd.Option("--strategy <S>", "strategy for every block: S1 fused 3x3 only (default), S2 +identity, S3 +1x1, S4 all branches", CommandOptionType.SingleValue);
        var blocks = cmd.Option("--blocks <RANGE>", "strategy for a range of blocks in topological order, FROM-TO=S or N=S; repeatable, later wins", CommandOptionType.MultipleValue);
        var shape = cmd.Option("--shape <BINDING>", "bind an input's shape (input=1x3x224x224) or a symbolic dimension (batch=4)", CommandOptionType.MultipleValue);
        var verify = cmd.Option("--verify", "run original and rewritten in ONNX Runtime and refuse to write past the tolerance", CommandOptionType.NoValue);
        var inputs = CliConventions.Inputs(cmd, "for --verify and --precision");
        var seed = CliConventions.Seed(cmd, "the input generator");
        var precision = CliConventions.Precision(cmd, "also measure the rewritten model's deviation with weights rounded to fp32, fp16 or int8");
        var json = CliConventions.Json(cmd, "the report");
        var data = AccuracyOptions.Register(cmd);
        CliConventions.Examples(cmd,
            "fuse model.onnx -o fused.onnx --verify",
            "fuse model.onnx -o int8.onnx --strategy S2 --precision int8 --calibration calib.npy --validation val.npy --labels val-labels.npy",
            "fuse --sample repvgg-a0 -o a0.onnx --strategy S4 --blocks 0-3=S2 --precision fp16 --json -");
        cmd.OnExecute(() =>
        {
            if (!outPath.HasValue()) throw new CommandParsingException(cmd, "fuse needs -o FILE");
            if (outPath.Value() == "-") throw new CommandParsingException(cmd, StdoutModel);
            CliConventions.CheckOutput(cmd, outPath);
            CliConventions.CheckOutput(cmd, json);
            var plan = new StrategyPlan(strategy.HasValue() ? FusionStrategies.Parse(strategy.Value()!) : FusionStrategy.S1);
            foreach (var region in blocks.Values) plan.Region(region!);
            var bindings = ShapeBindings.Parse(shape.Values!);
            var target = CliConventions.ParsePrecision(cmd, precision);
            var count = CliConventions.ParseInputs(cmd, inputs);
            var seedValue = CliConventions.ParseSeed(cmd, seed);
            var options = AccuracyOptions.Parse(cmd, data);
            if (options.Calibration is not null && target != Precision.Int8)
            {
                throw new CommandParsingException(cmd, "--calibration quantizes the written model to int8: give --precision int8 with it");
            }

            var (loaded, name) = ModelSource.Open(model.Value, sample.Value());
            using (loaded)
            {
                var outcome = FusePipeline.Run(loaded, name, plan, bindings);
                WarningLines.Write(outcome.Warnings, loaded.Path ?? name, output.Error);
                VerifyReport? check = null;
                if (verify.HasValue() || target is not null)
                {
                    check = ModelVerifier.Compare(loaded, outcome.Fused, new VerifyOptions { Inputs = count, Seed = seedValue, Bindings = bindings, Precision = target });
                }
                var passed = check is null || !verify.HasValue() || check.Passed;
                using var lowering = new PrecisionLowering(options.CalibrationSet(InputSignature.Of(loaded.Model, loaded.Path)), options.Settings);
                using var written = options.Calibration is null ? outcome.Fused.Derived(outcome.Fused.Model) : lowering.Lower(outcome.Fused, Precision.Int8, null, outcome.Fused, "fused");
                var quantization = options.Calibration is null ? null : FuseQuantizationReport.Of(outcome.Fused.Model, written.Model, lowering);
                EvaluateDocument? evaluation = null;
                if (passed && options.Validation is not null)
                {
                    using var session = new OrtModel(written);
                    var form = options.Calibration is null ? "fp32" : "int8";
                    evaluation = ValidationScoring.Score(loaded, name, EvaluatedModel.Of($"{Path.GetFileName(outPath.Value())} ({form})", session), "rewritten", form,
                        InputSignature.Of(written.Model, written.Path), options, lowering.CalibrationSeconds) with { SchemaVersion = null };
                }
                if (passed) ModelSaver.Save(written.Model, outPath.Value()!, loaded.ExternalData);
                if (json.HasValue()) CliConventions.WriteJson(json, FuseReportJson.Write(outcome, plan, check, passed ? Path.GetFileName(outPath.Value()) : null, quantization, evaluation), output);
                if (!CliConventions.JsonToStdout(json))
                {
                    FuseReportText.Write(outcome, plan, check, passed ? outPath.Value() : null, output.Out);
                    if (quantization is not null) FuseQuantizationReport.WriteText(quantization, output.Out);
                    if (evaluation is not null) EvaluateReport.WriteText(evaluation, output.Out);
                }
                return passed ? ExitCodes.Success : ExitCodes.CheckFailed;
            }
        });
    });
}
