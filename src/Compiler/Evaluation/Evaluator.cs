using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// Scores several models on one data set in a single pass over it: every batch is read once and run through
/// each model, so N candidates cost one read of the data, and nothing but the running sums is kept. The first
/// model is the reference: the others' outputs are compared with its outputs (output deviation), and with
/// labels every model's classifier output — the first output of shape [N, C], C ≥ 2 — is scored top-1/top-5.
/// </summary>
public static class Evaluator
{
    /// <summary>The batch a model takes: its inputs' fixed leading dimension (parts are written with the batch bound), else <paramref name="preferred"/>.</summary>
    public static int BatchFor(IReadOnlyList<InputSignature> inputs, int preferred = 32)
    {
        var fixedBatch = inputs.Select(i => i.Dims is { Length: > 0 } d ? d[0] : null).FirstOrDefault(d => d is > 0);
        return fixedBatch is { } b ? (int)Math.Min(b, int.MaxValue) : preferred;
    }

    public static IReadOnlyList<ModelScore> Run(IReadOnlyList<EvaluatedModel> models, IDataSet data, int batchSize, Action<long, long>? progress = null)
    {
        if (models.Count == 0) throw new ArgumentException("nothing to evaluate", nameof(models));
        var accuracy = models.Select(_ => new TopKAccuracy()).ToArray();
        var deviations = models.Select(_ => new Dictionary<string, StreamingDeviation>(StringComparer.Ordinal)).ToArray();
        IReadOnlyList<string>? outputs = null;
        string? scored = null;
        long samples = 0;
        foreach (var batch in data.Batches(batchSize))
        {
            var results = models.Select(m => m.Run(batch.Inputs)).ToList();
            outputs ??= results[0].Keys.ToList();
            if (batch.Labels is { } labels)
            {
                scored ??= ClassifierOutput(results[0], data.Path);
                for (var m = 0; m < models.Count; m++)
                {
                    var scores = Output(results[m], scored, models[m].Label);
                    CheckLabels(labels, (int)scores.Shape[1], batch.First, data.Path);
                    accuracy[m].Add(Rows(scores, batch.Count), (int)scores.Shape[1], labels);
                }
            }
            for (var m = 1; m < models.Count; m++)
            {
                foreach (var name in outputs)
                {
                    var reference = results[0][name];
                    var candidate = Output(results[m], name, models[m].Label);
                    if (!reference.Shape.SequenceEqual(candidate.Shape))
                    {
                        throw new CodesignException(ErrorCodes.EvaluationOutputMismatch,
                            $"{models[m].Label}: output '{name}' has shape {candidate.ShapeText}, the reference's is {reference.ShapeText}");
                    }
                    if (!deviations[m].TryGetValue(name, out var d)) deviations[m][name] = d = new StreamingDeviation();
                    d.Add(Rows(reference, batch.Count), Rows(candidate, batch.Count));
                }
            }
            samples += batch.Count;
            progress?.Invoke(samples, data.Count);
        }
        if (samples == 0) throw new CodesignException(ErrorCodes.EvaluationNoSamples, $"{data.Path}: no samples to evaluate");
        return models.Select((m, i) => new ModelScore(m.Label, samples, scored,
            scored is null ? null : accuracy[i].Top1Percent, scored is null ? null : accuracy[i].Top5Percent,
            accuracy[i].Top1Correct, accuracy[i].Top5Correct,
            i == 0 ? null : outputs!.Select(n => new OutputDeviation(n, deviations[i][n].MaxAbs, deviations[i][n].RelativeL2)).ToList())).ToList();
    }

    /// <summary>
    /// The values of the batch's own samples: where a model fixes a batch larger than the samples left, the data set
    /// pads the last batch (<see cref="DataBatch"/>), and only the first <paramref name="count"/> rows are the data's.
    /// </summary>
    private static double[] Rows(TensorData t, int count)
    {
        var values = t.ToDoubles();
        if (t.Shape.Length == 0 || t.Shape[0] <= count) return values;
        return values[..checked((int)(values.Length / t.Shape[0] * count))];
    }

    /// <summary>The first output of shape [N, C] with C ≥ 2: class scores, one row per sample.</summary>
    private static string ClassifierOutput(IReadOnlyDictionary<string, TensorData> outputs, string dataPath) =>
        outputs.FirstOrDefault(o => PrecisionDeviation.IsClassifier(o.Value.Shape)).Key
        ?? throw new CodesignException(ErrorCodes.EvaluationNotClassifier,
            $"{dataPath}: labels were given, but the model has no classifier output of shape [N, C] (outputs: {string.Join(", ", outputs.Select(o => $"{o.Key}{o.Value.ShapeText}"))}); evaluate it without labels for the output deviation");

    private static TensorData Output(IReadOnlyDictionary<string, TensorData> outputs, string name, string label) =>
        outputs.TryGetValue(name, out var t) ? t
        : throw new CodesignException(ErrorCodes.EvaluationOutputMismatch, $"{label}: has no output '{name}', which the reference model has");

    private static void CheckLabels(IReadOnlyList<int> labels, int classes, long first, string path)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
            {
                throw new CodesignException(ErrorCodes.EvaluationLabelOutOfRange,
                    $"{path}: label {labels[i]} of sample {first + i} is not one of the model's {classes} classes (0..{classes - 1})");
            }
        }
    }
}
