using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>
/// plan.json from a compile: the <see cref="PlanDocument"/> of the outcome (its fields are documented there and
/// in Schemas/plan.schema.json). Reals are rounded so goldens do not churn on the last bit.
/// </summary>
public static class PlanJson
{
    public const string FileName = "plan.json";

    public static string Write(CompileOutcome o) => CodesignJson.Write(Document(o), CodesignJsonWriter.Default.PlanDocument);

    public static PlanDocument Document(CompileOutcome o)
    {
        var s = o.Settings;
        var chosen = o.Search.Chosen;
        return new PlanDocument
        {
            Model = o.DisplayName,
            Tool = $"codesign-compile {typeof(PlanJson).Assembly.GetName().Version?.ToString(3)}",
            Devices = s.Devices.Select(d => DeviceProfileJson.Document(d)).ToList(),
            Link = new PlanLink
            {
                Spec = LinkSpec.Format(s.Link),
                BitsPerSecond = s.Link.BitsPerSecond,
                DownBitsPerSecond = s.Link.DownBitsPerSecond,
                LatencyMs = CodesignJson.Real(s.Link.LatencySeconds * 1e3),
            },
            InputFormat = s.InputFormat,
            InputNormalization = s.CameraInput is { } n ? new PlanNormalization
            {
                // prepend-normalization refuses a model without exactly one runtime input, so this is the frame.
                Input = o.Planning.Base.Graph.Inputs.Single().Name,
                Scale = Shortest(n.Scale),
                Mean = n.Mean.Select(Shortest).ToList(),
                Std = n.Std.Select(Shortest).ToList(),
            } : null,
            Precision = s.Precision.Name(), // the lowest allowed; each part records its own
            Wire = s.WireSetting,
            Objective = s.Objective.ToString().ToLowerInvariant(),
            Lambda = s.Lambda,
            Accuracy = PlanAccuracyJson.Document(o),
            StrategyAccuracyCost = o.StrategyAccuracyCost.Select(a => Math.Round(a, 6)).ToList(),
            CostModel = s.CostModelName,
            Units = o.Planning.Units.Count,
            BlockCount = o.Planning.BlockCount,
            Parts = o.Plan.Parts.Select(Part).ToList(),
            Transfers = o.Plan.Transfers.Select(Transfer).ToList(),
            Results = s.Devices[s.ResultsDevice ?? s.Devices.Count - 1].Name,
            Returns = o.Plan.Returns.Select(Transfer).ToList(),
            Totals = Score(chosen, s, stages: true),
            Baselines = o.Search.Baselines.Append(chosen)
                .Select(b => new PlanBaseline { Name = b.Name, Description = b.Description, Plan = Score(b, s, stages: true) }).ToList(),
            Ablations = o.Search.Ablations.Select(a => Ablation(a, o)).ToList(),
            Pareto = o.Search.Front.Select(pt => Score(new NamedPlan("", "", pt.Choice, pt.Score), s)).ToList(),
            Sweep = o.Search.Sweep.Select(pt => new PlanSweepPoint
            {
                Boundary = pt.Boundary,
                After = pt.After,
                CrossingBytes = pt.CrossingBytes,
                LatencyMsS1 = CodesignJson.Real(pt.Static.Latency * 1e3),
                ThroughputFpsS1 = CodesignJson.Real(pt.Static.Throughput),
                LatencyMs = CodesignJson.Real(pt.Best.Latency * 1e3),
                ThroughputFps = CodesignJson.Real(pt.Best.Throughput),
                Strategies = Strategies(pt.BestChoice),
                Wire = pt.BestChoice.Cuts.Length > 0 ? pt.BestChoice.Wire(0).Name() : null,
                AccuracyCost = CodesignJson.Real(pt.Best.Accuracy),
            }).ToList(),
            Blocks = o.Plan.Fusion.Blocks.Select(b => new PlanBlock
            {
                Index = b.Index,
                Name = b.Name,
                Part = o.Plan.Parts.First(p => p.Blocks.Contains(b.Index)).Index,
                Strategy = b.Strategy.ToString(),
                Result = b.Result,
            }).ToList(),
            UnknownOps = o.Planning.Base.Cost.UnknownNodes.Select(u => $"{u.Node} ({u.OpType})").ToList(),
            Warnings = Warnings.From(o.Warnings),
        };
    }

    /// <summary>A float as the user wrote it (0.485, not 0.48500001430511475): the shortest text that reads back as the same float.</summary>
    private static double Shortest(float v) => double.Parse(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    private static PlanTransfer Transfer(PlannedTransfer t) => new()
    {
        Link = t.Link,
        From = t.From,
        To = t.To,
        Tensors = Tensors(t.Tensors),
        Bytes = t.Bytes,
        Ms = CodesignJson.Real(t.Seconds * 1e3),
        SerializationMs = CodesignJson.Real(t.SerializationSeconds * 1e3),
        LatencyMs = CodesignJson.Real(t.LatencySeconds * 1e3),
        Wire = t.Wire.Name(),
    };

    private static PlanPart Part(PlannedPart p) => new()
    {
        Index = p.Index,
        File = p.File,
        Device = p.Device.Name,
        Precision = p.Precision.Name(),
        OpsetRaisedFrom = p.OpsetRaisedFrom,
        StoredPrecision = p.Model is not null && TrtexecScript.WritesFp16Part(p.Device, p.Precision) ? "fp16" : null,
        Strategy = p.Strategy?.ToString(),
        Nodes = p.Nodes.Count,
        Flops = (long)p.Flops,
        Bytes = (long)p.Bytes,
        PredictedMs = CodesignJson.Real(p.PredictedSeconds * 1e3),
        Inputs = Tensors(p.Inputs),
        Outputs = Tensors(p.Outputs),
    };

    private static PlanAblation Ablation(NamedPlan a, CompileOutcome o) => new()
    {
        Name = a.Name,
        Description = a.Description,
        After = a.Choice.Cuts.Select(c => c < 0 ? "(input)" : o.Costs.Problem.UnitNames[c]).ToList(),
        Plan = Score(a, o.Settings),
        MeasuredAccuracy = o.Accuracy?.Ablations.FirstOrDefault(m => m.Name == a.Name) is { } m ? CodesignJson.Real(m.Measured, 6) : null,
    };

    private static List<PlanTensor> Tensors(IReadOnlyList<TensorSpec> tensors) =>
        tensors.Select(t => new PlanTensor { Name = t.Name, Type = t.Type, Shape = t.Shape, Bytes = t.Bytes }).ToList();

    private static string Strategies(PlanChoice choice) => choice.StrategyNames();

    /// <param name="stages">
    /// Also list each part's and each transfer's time (stagesMs, transfersMs, in pipeline order), so
    /// `simulate` can queue a baseline's stages as it does the chosen plan's parts; the Pareto front leaves them out.
    /// </param>
    private static ScoredPlan Score(NamedPlan plan, PlannerSettings s, bool stages = false) => new()
    {
        Cuts = plan.Choice.Cuts,
        Strategies = Strategies(plan.Choice),
        Wires = plan.Choice.Cuts.Length > 0 ? plan.Choice.WireNames() : null,
        LatencyMs = CodesignJson.Real(plan.Score.Latency * 1e3),
        PeriodMs = CodesignJson.Real(plan.Score.Period * 1e3),
        ThroughputFps = CodesignJson.Real(plan.Score.Throughput),
        AccuracyCost = CodesignJson.Real(plan.Score.Accuracy, 6),
        LossMs = CodesignJson.Real(plan.Score.Loss(s.Objective, s.Lambda) * 1e3),
        StagesMs = stages ? Milliseconds(plan.Score.StageSeconds) : null,
        TransfersMs = stages ? Milliseconds(plan.Score.TransferSeconds) : null,
        ReturnsMs = stages && plan.Score.ReturnSeconds.Length > 0 ? Milliseconds(plan.Score.ReturnSeconds) : null,
    };

    private static List<double> Milliseconds(IEnumerable<double> seconds) => seconds.Select(x => Math.Round(x * 1e3, 4)).ToList();
}
