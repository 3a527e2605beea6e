using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Checking;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// The parts of a realized plan at their devices' precisions. For emission, int8 parts become QDQ models (their
/// activation ranges calibrated on the plan's fused fp32 model, which holds every tensor a part reads) and fp16
/// parts stay fp32 ONNX for TensorRT's --fp16 to lower (on TensorRT ≥ 10.12, strongly typed, compile casts them to fp16
/// afterwards: CompilePipeline.CastFp16Parts); for measurement, fp16 parts are also rounded through fp16
/// (<see cref="PrecisionLowering"/>), so the measured accuracy is what the devices compute.
/// </summary>
public static class PlanLowering
{
    public static RealizedPlan ForEmission(RealizedPlan plan, PlanningModel planning, LoadedModel source, PrecisionLowering lowering) =>
        Lower(plan, planning, source, lowering, p => p == TargetPrecision.Int8);

    public static RealizedPlan ForMeasurement(RealizedPlan plan, PlanningModel planning, LoadedModel source, PrecisionLowering lowering) =>
        Lower(plan, planning, source, lowering, p => p != TargetPrecision.Fp32);

    private static RealizedPlan Lower(RealizedPlan plan, PlanningModel planning, LoadedModel source, PrecisionLowering lowering, Func<TargetPrecision, bool> lowered)
    {
        if (!plan.Parts.Any(p => p.Model is not null && lowered(p.Precision))) return plan;
        using var fused = source.Derived(planning.Variant(plan.Strategies).Graph.Model);
        var key = "plan:" + FusionStrategies.Names(planning.BlockOutputs.Select((o, b) => plan.Strategies.For(b, o)));
        var parts = plan.Parts.Select(part =>
        {
            if (part.Model is null || !lowered(part.Precision)) return part;
            using var fp32 = source.Derived(part.Model);
            using var low = lowering.Lower(fp32, part.Precision, null, fused, key);
            var (before, after) = (OpsetCheck.DefaultOpset(part.Model), OpsetCheck.DefaultOpset(low.Model));
            return part with { Model = low.Model, OpsetRaisedFrom = after != before ? before : null };
        }).ToList();
        return plan with { Parts = parts };
    }
}
