using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// The measured accuracy cost of each planning unit, alone, at each precision and under each strategy — the
/// sensitivity table mixed-precision tools build (one layer quantized at a time, the rest in fp32). Entry
/// [precision][unit][strategy] is the metric's drop when only that unit's nodes, in the model fused by that
/// strategy, run at that precision: top-1 points with labels, else the output deviation (relative L2 of the
/// outputs against the fp32 original, in percent). fp32 entries are zero: fusion at fp32 is exact (the chosen
/// plan is evaluated whole anyway). A unit without blocks reacts to no strategy and is measured once. The
/// planner sums a part's entries; the sum ignores interactions between units, which is why the chosen plan is
/// then measured whole and both figures are reported.
/// </summary>
public sealed record SensitivityTable(
    AccuracyMetric Metric,
    double Original,
    long Samples,
    IReadOnlyList<TargetPrecision> Precisions,
    double[][][] Drop)
{
    /// <summary>Sessions scored per pass over the data: bounds the memory of many open sessions.</summary>
    public const int ModelsPerPass = 24;

    public double[] Row(TargetPrecision precision, int unit) => Drop[Index(precision)][unit];

    private int Index(TargetPrecision precision)
    {
        for (var i = 0; i < Precisions.Count; i++) if (Precisions[i] == precision) return i;
        throw new ArgumentException($"the table has no {precision.Name()} column", nameof(precision));
    }

    /// <summary>The planner's [device][strategy][unit] costs for devices running at <paramref name="devicePrecisions"/>.</summary>
    public double[][][] ForDevices(IReadOnlyList<TargetPrecision> devicePrecisions, int units) =>
        devicePrecisions.Select(p => Enumerable.Range(0, PlanningProblem.Strategies)
            .Select(s => Enumerable.Range(0, units).Select(u => Row(p, u)[s]).ToArray()).ToArray()).ToArray();

    /// <summary>Whether a node of the BN-folded model can read a Q/DQ or fp16 site: a linear operator, or an Add (a block's sum, a residual).</summary>
    private static bool Lowerable(string opType) => QdqPlacement.LinearOps.Contains(opType) || opType is "Add" or "Sum";

    /// <param name="atPrecision">Builds the model a precision runs from an fp32 model, only the given nodes lowered; the last argument names
    /// the fp32 model for calibration (the strategy of the variant).</param>
    public static SensitivityTable Measure(PlanningModel planning, LoadedModel original, IReadOnlyList<TargetPrecision> precisions,
        IDataSet data, int batchSize, Func<LoadedModel, TargetPrecision, IReadOnlySet<string>, string, LoadedModel> atPrecision, OrtModelOptions? runtime = null)
    {
        var units = planning.Units;
        var strategies = Enum.GetValues<FusionStrategy>();
        var drop = precisions.Select(_ => units.Select(_ => new double[PlanningProblem.Strategies]).ToArray()).ToArray();
        // Every (precision, unit, strategy) to measure: fp32 is exact; a unit without blocks once (S1's variant).
        var jobs = new List<(int P, int U, FusionStrategy S)>();
        for (var p = 0; p < precisions.Count; p++)
        {
            if (precisions[p] == TargetPrecision.Fp32) continue;
            foreach (var unit in units)
            {
                foreach (var s in unit.HasBlocks ? strategies : [FusionStrategy.S1]) jobs.Add((p, unit.Index, s));
            }
        }
        // A unit with nothing to lower (no Conv, Gemm, MatMul or residual Add: a Relu, a pooling, a Flatten) computes
        // exactly what fp32 does: its entries are zero by construction, and it is not run.
        var ops = planning.Base.Graph.Nodes.ToDictionary(n => n.Name, n => n.OpType, StringComparer.Ordinal);
        jobs = jobs.Where(j => units[j.U].BaseNodes.Any(n => Lowerable(ops[n]))).ToList();
        var metric = data.HasLabels ? AccuracyMetric.Top1Drop : AccuracyMetric.OutputDeviation;
        using var reference = new OrtModel(original, runtime);
        var scored = ChunkedScoring.Run(reference, jobs,
            job =>
            {
                var (p, u, s) = job;
                var variant = planning.Variant(new StrategyPlan(s)).Graph.Model;
                var nodes = planning.Variants[s.Index()].NodesOf(units[u], planning.BlockNodes).ToHashSet(StringComparer.Ordinal);
                using var fp32 = original.Derived(variant);
                return atPrecision(fp32, precisions[p], nodes, s.ToString());
            },
            job => $"unit {job.U} {job.S} {precisions[job.P].Name()}", data, batchSize,
            (job, originalScore, candidate) =>
            {
                var cost = AccuracyMetrics.Cost(metric, originalScore, candidate);
                if (units[job.U].HasBlocks) drop[job.P][job.U][job.S.Index()] = cost;
                else Array.Fill(drop[job.P][job.U], cost);
            }, runtime)
            // No job (nothing to lower): the original's score is still the table's reference.
            ?? Evaluator.Run([EvaluatedModel.Of("original", reference)], data, batchSize)[0];
        var (original1, samples) = (scored.Top1 ?? 0, scored.Samples);
        return new SensitivityTable(metric, original1, samples, precisions, drop);
    }
}
