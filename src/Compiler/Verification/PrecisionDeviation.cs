using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>One output's deviation at a target precision, with top-1 agreement for classifier outputs.</summary>
/// <param name="Top1Agreement">For an output of shape [N, C] with C ≥ 2: the fraction of rows (over all
/// samples) whose argmax equals the fp32 original's; null for any other output.</param>
public sealed record PrecisionOutput(OutputComparison Deviation, double? Top1Agreement, int Top1Rows, int Top1Matches);

public sealed record PrecisionReport(TargetPrecision Precision, int Samples, IReadOnlyList<PrecisionOutput> Outputs);

/// <summary>
/// The measured accuracy cost of deploying a candidate (e.g. a fused model) at a lower precision: the
/// candidate's weights are rounded as the target would store them (<see cref="WeightRounding"/>: fp16, or
/// int8 per output channel) and its outputs compared with the unrounded fp32 original's. Weights only:
/// activations stay fp32, so this isolates what fusion does to weight ranges and is a lower bound on the
/// device's deviation, not a prediction of it.
/// </summary>
public static class PrecisionDeviation
{
    public static PrecisionReport Measure(LoadedModel fp32Original, LoadedModel candidate, TargetPrecision precision,
        IReadOnlyList<IReadOnlyDictionary<string, TensorData>> inputs, OrtModelOptions? options = null)
    {
        IReadOnlyList<string> names;
        List<IReadOnlyDictionary<string, TensorData>> referenceOutputs;
        using (var reference = new OrtModel(fp32Original, options))
        {
            names = reference.OutputNames;
            referenceOutputs = inputs.Select(reference.Run).ToList();
        }
        return Measure(names, referenceOutputs, candidate, precision, inputs, options);
    }

    /// <summary>The same, from reference outputs already computed (verify runs the original once for both checks).</summary>
    public static PrecisionReport Measure(IReadOnlyList<string> outputNames, IReadOnlyList<IReadOnlyDictionary<string, TensorData>> referenceOutputs,
        LoadedModel candidate, TargetPrecision precision, IReadOnlyList<IReadOnlyDictionary<string, TensorData>> inputs, OrtModelOptions? options = null)
    {
        var rounded = WeightRounding.Apply(candidate.Model, candidate.ExternalData, precision);
        List<IReadOnlyDictionary<string, TensorData>> candidateOutputs;
        using (var model = new OrtModel(rounded, candidate.ExternalData, options, candidate.Path))
        {
            candidateOutputs = inputs.Select(model.Run).ToList();
        }
        var outputs = new List<PrecisionOutput>();
        foreach (var name in outputNames)
        {
            var reference = referenceOutputs.Select(o => o[name]).ToList();
            if (!candidateOutputs[0].ContainsKey(name))
            {
                outputs.Add(new PrecisionOutput(OutputComparison.Missing(name, reference[0].Shape, reference.Count), null, 0, 0));
                continue;
            }
            var cand = candidateOutputs.Select(o => o[name]).ToList();
            var deviation = OutputComparison.Compute(name, reference, cand);
            var (rows, matches) = deviation.ShapesMatch && IsClassifier(reference[0].Shape) ? Top1(reference, cand) : (0, 0);
            outputs.Add(new PrecisionOutput(deviation, rows > 0 ? (double)matches / rows : null, rows, matches));
        }
        return new PrecisionReport(precision, inputs.Count, outputs);
    }

    /// <summary>[N, C] with C ≥ 2: logits or probabilities over classes, one row per sample.</summary>
    public static bool IsClassifier(IReadOnlyList<long> shape) => shape.Count == 2 && shape[1] >= 2 && shape[0] >= 1;

    /// <summary>Rows compared and rows whose argmax (first index on ties) agrees, over all samples.</summary>
    public static (int Rows, int Matches) Top1(IReadOnlyList<TensorData> reference, IReadOnlyList<TensorData> candidate)
    {
        int rows = 0, matches = 0;
        for (var s = 0; s < reference.Count; s++)
        {
            var classes = (int)reference[s].Shape[1];
            var r = reference[s].ToDoubles();
            var c = candidate[s].ToDoubles();
            for (var row = 0; row + classes <= r.Length; row += classes)
            {
                rows++;
                if (ArgMax(r.AsSpan(row, classes)) == ArgMax(c.AsSpan(row, classes))) matches++;
            }
        }
        return (rows, matches);
    }

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best] || double.IsNaN(values[best])) best = i;
        return best;
    }
}
