using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Pipeline;

/// <summary>Everything compile decided and measured, for the emitters.</summary>
public sealed record CompileOutcome(
    string DisplayName,
    PlannerSettings Settings,
    PlanningModel Planning,
    StageCosts Costs,
    PlanSearchResult Search,
    RealizedPlan Plan,
    IReadOnlyList<double> StrategyAccuracyCost,
    AccuracyResult? Accuracy = null,
    RealizedPlan? Fp32Plan = null)
{
    /// <summary>
    /// The parts before int8 parts became QDQ models and fp16 parts were cast to fp16 (<see cref="CompilePipeline.CastFp16Parts"/>):
    /// what --verify checks against the original to 1e-4 (the quantized parts' accuracy is what plan.json's measured
    /// accuracy reports; cast parts are then checked as written, to <see cref="CompilePipeline.Fp16PartTolerance"/>).
    /// The plan itself where nothing was lowered.
    /// </summary>
    public RealizedPlan Exact => Fp32Plan ?? Plan;

    /// <summary>The measured accuracy cost of each wire format at each cut (null unless measured with data and a lossy format was possible).</summary>
    public WireSensitivity? WireTable { get; init; }

    /// <summary>
    /// Where a link carries a lossy format: the fp32 parts with the wire's conversions in (int8 parts before QDQ), what
    /// --verify checks within the format's stated tolerance (<see cref="PlanWire.Tolerance"/>); null when every link is
    /// fp32. Built on first use (only --verify needs it), while the compile's data is still open.
    /// </summary>
    public RealizedPlan? WiredFp32Plan => WiredFp32?.Value;

    public Lazy<RealizedPlan>? WiredFp32 { get; init; }

    /// <summary>Warnings of every pass and analysis of this compile (shape inference's OCW2001 among them), each once.</summary>
    public IReadOnlyList<Diagnostic> Warnings => Planning.Context.Diagnostics.Items;
}

/// <summary>
/// The main job: fold BN, find blocks and cuts, cost every unit under every strategy on every device,
/// search cuts × strategies exactly, compute the baselines, and extract the chosen plan's parts.
/// </summary>
public static class CompilePipeline
{
    /// <param name="data">Calibration and validation data (null without data options): int8 parts are quantized with
    /// ranges calibrated on it, and with it the accuracy cost is measured (<see cref="AccuracyPlanning"/>).</param>
    public static CompileOutcome Run(LoadedModel source, string displayName, PlannerSettings settings, ShapeBindings bindings, AccuracyInputs? data = null)
    {
        var planning = PlanningModel.Build(source, displayName, new PassContext(source.ExternalData) { Bindings = bindings, DeferWeights = true });
        Cli.MemoryTrace.Mark("planning model");
        var devicePrecisions = settings.Devices.Select(d => d.EffectivePrecision(settings.Precision)).ToList();
        var scored = data?.Scoring is not null;
        var measuredTable = settings.Accuracy == AccuracyModel.Measured && scored;
        var table = measuredTable ? AccuracyPlanning.Table(planning, source, devicePrecisions, data!) : null;
        var accuracy = settings.Accuracy == AccuracyModel.Prior || table is not null
            ? PlannerSettings.PriorAccuracyCost
            : MeasuredAccuracy(source, planning, devicePrecisions.Max(), bindings);
        var wires = WirePolicy.Allowed(settings.Devices, settings.Wire, calibrated: data?.Lowering.Settings is not null);
        var wireTable = table is not null && wires is not null ? AccuracyPlanning.WireTable(planning, source, wires, data!) : null;
        var problem = planning.Problem(settings.Devices, settings.Precision, settings.Link, settings.Objective, settings.CostModel, settings.Lambda, accuracy,
            table?.ForDevices(devicePrecisions, planning.Units.Count), settings.ResultsDevice, settings.Granularity) with
        {
            AllowedWires = wires,
            WireAccuracyCost = wireTable?.Costs(planning.Units.Count),
        };
        Cli.MemoryTrace.Mark("problem");
        var costs = new StageCosts(problem);
        var search = PlanSearch.Run(costs);
        Cli.MemoryTrace.Mark("search");
        AccuracyResult? measured = null;
        if (scored)
        {
            (search, measured) = AccuracyChoice.Choose(search, costs, planning, source, settings, data!, table);
        }
        var fp32 = PlanRealizer.Realize(planning, costs, search.Chosen.Choice);
        Cli.MemoryTrace.Mark("realized");
        var plan = fp32;
        if (plan.Parts.Any(p => p.Model is not null && p.Precision == Precision.Int8))
        {
            if (data is null) throw new CodesignException(ErrorCodes.Int8NeedsCalibration, Int8NeedsCalibrationMessage(plan));
            plan = PlanLowering.ForEmission(plan, planning, source, data.Lowering);
        }
        // The wire's conversions go in last: the sender's Cast or QuantizeLinear, the receiver's inverse.
        var amax = AccuracyPlanning.WireAmax(planning, source, data);
        plan = PlanWire.Apply(plan, planning, amax);
        var wired = fp32.Transfers.Any(t => t.Wire.Lossy()) ? new Lazy<RealizedPlan>(() => PlanWire.Apply(fp32, planning, amax)) : null;
        plan = CastFp16Parts(plan, source);
        WarnPrecisionRaised(plan, settings.Precision, planning.Context.Diagnostics);
        return new CompileOutcome(displayName, settings, planning, costs, search, plan, accuracy, measured, ReferenceEquals(plan, fp32) ? null : fp32)
        {
            WireTable = wireTable,
            WiredFp32 = wired,
        };
    }

    /// <summary>
    /// The normwise relative tolerance (as <see cref="PlanWire.Tolerance"/>) a chain with parts written in fp16 is held
    /// to: each node rounds its output to binary16 (unit roundoff 2⁻¹¹ ≈ 4.9e-4), weights are rounded once, and the
    /// error grows through the depth of the part; 1e-2, the fp16 wire's tolerance, leaves a margin of 20.
    /// </summary>
    public const double Fp16PartTolerance = 1e-2;

    /// <summary>Whether a part of the plan was written in fp16 (its model holds fp16 compute).</summary>
    public static bool HasFp16Parts(RealizedPlan plan) => plan.Parts.Any(p => p.Model is not null && TrtexecScript.WritesFp16Part(p.Device, p.Precision));

    /// <summary>
    /// fp16 parts whose device's TensorRT builds strongly typed (<see cref="TrtexecScript.WritesFp16Part"/>) are written
    /// in fp16 (pass cast-fp16), last, after the wire's conversions: TensorRT then runs them as typed, with no precision
    /// flag. Their inputs and outputs keep the types the plan lists.
    /// </summary>
    public static RealizedPlan CastFp16Parts(RealizedPlan plan, LoadedModel source)
    {
        if (!plan.Parts.Any(Casts)) return plan;
        return plan with
        {
            Parts = plan.Parts.Select(part =>
            {
                if (!Casts(part)) return part;
                var graph = new Passes.IR.ModelGraph(part.Model!.Clone(), null);
                Passes.Pipeline.Pipelines.CastFp16().Run(graph, new PassContext(source.ExternalData));
                return part with { Model = graph.Model };
            }).ToList(),
        };

        static bool Casts(PlannedPart p) => p.Model is not null && TrtexecScript.WritesFp16Part(p.Device, p.Precision);
    }

    private static string Int8NeedsCalibrationMessage(RealizedPlan plan) =>
        $"{string.Join(", ", plan.Parts.Where(p => p.Model is not null && p.Precision == Precision.Int8).Select(p => $"part{p.Index} ({p.Device.Name})"))} " +
        "run at int8, as explicitly quantized (QDQ) models whose activation ranges come from data: give --calibration DATA";

    /// <summary>
    /// OCW2004 once for each part with a model whose device lacks the requested (lowest allowed) precision:
    /// the part runs at the next one up that the device has, and the user should know the plan says so.
    /// </summary>
    private static void WarnPrecisionRaised(RealizedPlan plan, Precision requested, DiagnosticBag diagnostics)
    {
        foreach (var part in plan.Parts.Where(p => p.Model is not null && p.Precision != requested))
        {
            var d = part.Device;
            diagnostics.Add(new Diagnostic(Severity.Warning, WarningCodes.PrecisionUnsupported,
                $"{d.Name} has no {requested.Name()} path (it runs {string.Join(", ", d.Precisions.Select(p => p.Name()))}); part{part.Index} runs at {part.Precision.Name()}"));
        }
    }

    /// <summary>
    /// The measured counterpart of the prior: for each strategy, the relative L2 deviation of the whole model
    /// fused that way, with weights rounded to the lowest precision a device of the chain runs, from the fp32 original (4 seeded
    /// inputs). Used without data; with data the sensitivity table measures real accuracy.
    /// </summary>
    private static double[] MeasuredAccuracy(LoadedModel source, PlanningModel planning, Precision target, ShapeBindings bindings)
    {
        var inputs = InputGenerator.Generate(InputGenerator.ResolveInputs(source, bindings).Inputs, 4, 0);
        // The planner's variants carry no weights (structure only); each strategy is fused for real here, once:
        // the realized plan reuses the variant it needs.
        return Enum.GetValues<FusionStrategy>().Select(strategy =>
        {
            using var fused = source.Derived(planning.Variant(new StrategyPlan(strategy)).Graph.Model);
            var report = PrecisionDeviation.Measure(source, fused, target, inputs);
            return report.Outputs.Max(o => o.Deviation.RelativeL2);
        }).ToArray();
    }
}
