using System.Diagnostics;
using OnnxCoDesign.Compiler.Cli;
using OnnxCoDesign.Compiler.Reports;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// fuse's and verify's `--validation`: the fp32 original and the rewritten model (or a plan's parts) scored on the
/// validation data in one pass, reported as evaluate reports it.
/// </summary>
public static class ValidationScoring
{
    public static EvaluateDocument Score(LoadedModel original, string originalName, EvaluatedModel candidate, string candidateRole, string candidatePrecision,
        IReadOnlyList<InputSignature> candidateInputs, AccuracyOptions options, double calibrationSeconds = 0)
    {
        var signature = InputSignature.Of(original.Model, original.Path);
        using var reference = new OrtModel(original);
        using var validation = options.ValidationSet(signature);
        var batch = Math.Min(Evaluator.BatchFor(signature), Evaluator.BatchFor(candidateInputs));
        var clock = Stopwatch.StartNew();
        var scores = Evaluator.Run([EvaluatedModel.Of(originalName, reference), candidate], validation, batch);
        return EvaluateReport.Document(validation, options, scores, [("original", "fp32"), (candidateRole, candidatePrecision)], true,
            calibrationSeconds, clock.Elapsed.TotalSeconds);
    }
}
