using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// Accuracy as a co-design term, measured: the sensitivity table the planner sums (each unit alone at each
/// device precision and strategy), and a plan measured whole — its parts at their devices' precisions, chained,
/// over all the scoring data, against the fp32 original.
/// </summary>
public static class AccuracyPlanning
{
    public static SensitivityTable Table(PlanningModel planning, LoadedModel source, IReadOnlyList<Precision> devicePrecisions, AccuracyInputs data)
    {
        var set = data.Sensitivity ?? throw new InvalidOperationException("no data to measure the sensitivity table on");
        var batch = Evaluator.BatchFor(InputSignature.Of(source.Model, source.Path));
        return SensitivityTable.Measure(planning, source, devicePrecisions.Distinct().Order().ToList(), set, batch,
            (model, precision, nodes, key) => data.Lowering.Lower(model, precision, nodes, model, key));
    }

    /// <summary>The wire formats' sensitivity (each cut's tensors alone through each lossy format some link may carry).</summary>
    public static WireSensitivity WireTable(PlanningModel planning, LoadedModel source, IReadOnlyList<IReadOnlyList<WireFormat>> allowed, AccuracyInputs data)
    {
        var set = data.Sensitivity ?? throw new InvalidOperationException("no data to measure the wire's sensitivity on");
        var batch = Evaluator.BatchFor(InputSignature.Of(source.Model, source.Path));
        var formats = allowed.SelectMany(a => a).Where(w => w.Lossy()).Distinct().Order().ToList();
        return WireSensitivity.Measure(planning, source, formats, set, batch, WireAmax(planning, source, data)!);
    }

    /// <summary>
    /// The int8 wire's ranges: calibrated on the BN-folded model (the tensors crossing a cut are the same in every
    /// strategy's variant), cached in the lowering under <see cref="PlanWire.CalibrationKey"/>. Null without calibration data.
    /// </summary>
    public static Func<IReadOnlyList<string>, IReadOnlyDictionary<string, double>>? WireAmax(PlanningModel planning, LoadedModel source, AccuracyInputs? data)
    {
        if (data?.Lowering.Settings is null) return null;
        return tensors =>
        {
            using var folded = source.Derived(planning.Base.Graph.Model);
            return data.Lowering.Amax(tensors, folded, PlanWire.CalibrationKey);
        };
    }

    /// <summary>The plan's measured cost in the table's metric, and the two scores it came from.</summary>
    public static (double Cost, ModelScore Original, ModelScore Plan) MeasureWhole(RealizedPlan plan, PlanningModel planning, LoadedModel source,
        AccuracyInputs data, AccuracyMetric metric)
    {
        var set = data.Scoring ?? throw new InvalidOperationException("no data to score the plan on");
        // The parts as the devices run them: at their precisions, with the wire's conversions.
        var lowered = PlanWire.Apply(PlanLowering.ForMeasurement(plan, planning, source, data.Lowering), planning, WireAmax(planning, source, data));
        var parts = lowered.Parts.Where(p => p.Model is not null).Select(p => source.Derived(p.Model!)).ToList();
        try
        {
            using var original = new OrtModel(source);
            using var chain = new ModelChain(parts);
            var batch = Math.Min(Evaluator.BatchFor(InputSignature.Of(parts[0].Model, parts[0].Path)), Evaluator.BatchFor(InputSignature.Of(source.Model, source.Path)));
            var scores = Evaluator.Run([EvaluatedModel.Of("original", original), EvaluatedModel.Of("plan", chain)], set, batch);
            return (AccuracyMetrics.Cost(metric, scores[0], scores[1]), scores[0], scores[1]);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>A plan choice realized as the compile would emit it (<see cref="PlanRealizer"/>) and measured whole (<see cref="MeasureWhole"/>).</summary>
    public static (double Cost, ModelScore Original, ModelScore Plan, RealizedPlan Realized) MeasureChoice(PlanChoice choice, StageCosts costs,
        PlanningModel planning, LoadedModel source, AccuracyInputs data, AccuracyMetric metric)
    {
        var realized = PlanRealizer.Realize(planning, costs, choice);
        var (cost, original, plan) = MeasureWhole(realized, planning, source, data, metric);
        return (cost, original, plan, realized);
    }
}
