using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Wire;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// The measured accuracy cost of each wire format at each cut, measured as the strategies' are (the sensitivity
/// table): entry [format][boundary + 1] is the metric's drop when only boundary b's convertible tensors go through
/// the format and back (<see cref="WireCodec.RoundTrip"/>) in the BN-folded fp32 model, scored against the original
/// on the sensitivity samples. fp32 and boundaries with nothing to convert are zero by construction and not run.
/// The planner adds a link's entry to its plan's A; the chosen plan is then measured whole with its parts as emitted.
/// </summary>
public sealed record WireSensitivity(AccuracyMetric Metric, long Samples, IReadOnlyList<WireFormat> Formats, double[][] Drop)
{
    /// <summary>The planner's [format][boundary + 1] costs (a row of zeros for a format not measured).</summary>
    public double[][] Costs(int units) => WireFormats.All.Select(w => Formats.Contains(w) ? Drop[(int)w] : new double[units + 1]).ToArray();

    /// <param name="formats">The lossy formats some link may carry.</param>
    /// <param name="amax">Calibrated ranges of tensors of the BN-folded model (for int8).</param>
    public static WireSensitivity Measure(PlanningModel planning, LoadedModel original, IReadOnlyList<WireFormat> formats, IDataSet data, int batchSize,
        Func<IReadOnlyList<string>, IReadOnlyDictionary<string, double>> amax, OrtModelOptions? runtime = null)
    {
        var n = planning.Units.Count;
        var drop = WireFormats.All.Select(_ => new double[n + 1]).ToArray();
        var jobs = new List<(WireFormat W, int B, IReadOnlyList<WireTensor> Tensors)>();
        foreach (var w in formats.Where(f => f.Lossy()).Distinct())
        {
            for (var b = 0; b < n - 1; b++)
            {
                var names = planning.Convertible(b).Select(t => t.Name).ToList();
                if (names.Count == 0) continue;
                var ranges = w == WireFormat.Int8 ? amax(names) : null;
                jobs.Add((w, b, names.Select(t => w == WireFormat.Fp16 ? new WireTensor(t, WireEncoding.Fp16)
                    : new WireTensor(t, WireEncoding.Int8, WireTensor.Int8Scale(ranges![t]))).ToList()));
            }
        }
        var metric = data.HasLabels ? AccuracyMetric.Top1Drop : AccuracyMetric.OutputDeviation;
        long samples = 0;
        using var reference = new OrtModel(original, runtime);
        foreach (var chunk in jobs.Chunk(SensitivityTable.ModelsPerPass))
        {
            var built = new List<LoadedModel>();
            var sessions = new List<OrtModel>();
            try
            {
                foreach (var (_, _, tensors) in chunk)
                {
                    var graph = new ModelGraph(planning.Base.Graph.Model.Clone(), original.Path);
                    WireCodec.RoundTrip(graph, tensors);
                    built.Add(original.Derived(graph.Model));
                    sessions.Add(new OrtModel(built[^1], runtime));
                }
                var models = sessions.Select((m, i) => EvaluatedModel.Of($"wire {chunk[i].W.Name()} after unit {chunk[i].B}", m))
                    .Prepend(EvaluatedModel.Of("original", reference)).ToList();
                var scores = Evaluator.Run(models, data, batchSize);
                samples = scores[0].Samples;
                for (var i = 0; i < chunk.Length; i++) drop[(int)chunk[i].W][chunk[i].B + 1] = AccuracyMetrics.Cost(metric, scores[0], scores[i + 1]);
            }
            finally
            {
                foreach (var s in sessions) s.Dispose();
                foreach (var b in built) b.Dispose();
            }
        }
        return new WireSensitivity(metric, samples, formats.Where(f => f.Lossy()).Distinct().ToList(), drop);
    }
}
