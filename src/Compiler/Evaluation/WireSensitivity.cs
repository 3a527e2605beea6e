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
        var lossy = formats.Where(f => f.Lossy()).Distinct().ToList();
        var drop = WireFormats.All.Select(_ => new double[n + 1]).ToArray();
        var jobs = new List<(WireFormat W, int B, IReadOnlyList<WireTensor> Tensors)>();
        foreach (var w in lossy)
        {
            for (var b = 0; b < n - 1; b++)
            {
                var names = planning.Convertible(b).Select(t => t.Name).ToList();
                if (names.Count == 0) continue;
                var ranges = w == WireFormat.Int8 ? amax(names) : null;
                jobs.Add((w, b, names.Select(t => PlanWire.Tensor(t, w, ranges)).ToList()));
            }
        }
        var metric = data.HasLabels ? AccuracyMetric.Top1Drop : AccuracyMetric.OutputDeviation;
        using var reference = new OrtModel(original, runtime);
        var scored = ChunkedScoring.Run(reference, jobs,
            job =>
            {
                var graph = new ModelGraph(planning.Base.Graph.Model.Clone(), original.Path);
                WireCodec.RoundTrip(graph, job.Tensors);
                return original.Derived(graph.Model);
            },
            job => $"wire {job.W.Name()} after unit {job.B}", data, batchSize,
            (job, originalScore, candidate) => drop[(int)job.W][job.B + 1] = AccuracyMetrics.Cost(metric, originalScore, candidate), runtime);
        return new WireSensitivity(metric, scored?.Samples ?? 0, lossy, drop);
    }
}
