using System.Text.Json.Serialization;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>
/// plan.json (Schemas/plan.schema.json describes it for other tools): the setup, the parts in pipeline order,
/// the transfers, the totals, the baselines, the Pareto front, the per-cut sweep and the strategy of every
/// block. Times in milliseconds; no paths, no clock. <see cref="Warnings"/> is absent in plans written
/// before schema version 1, as is <see cref="SchemaVersion"/>.
/// </summary>
public sealed record PlanDocument
{
    public int SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required string Model { get; init; }

    public required string Tool { get; init; }

    public required IReadOnlyList<DeviceDocument> Devices { get; init; }

    public required PlanLink Link { get; init; }

    /// <summary>
    /// --input-format: "float32" (the model's own input) or "uint8" (the camera's frame, one byte per pixel, normalized
    /// inside part 0 by <see cref="InputNormalization"/>). Absent in plans written before it existed (read as float32).
    /// </summary>
    public string? InputFormat { get; init; }

    /// <summary>With a uint8 input: x = (v · scale − mean[c]) / std[c], computed by the first nodes of part 0; null for float32.</summary>
    public PlanNormalization? InputNormalization { get; init; }

    /// <summary>--precision: the lowest precision the plan allows; each part's own <see cref="PlanPart.Precision"/> is what it runs at.</summary>
    public required string Precision { get; init; }

    /// <summary>--wire: "auto" (the optimizer chose each link's format) or the one format asked for; each transfer's own <see cref="PlanTransfer.Wire"/> is what it carries. Absent in older plans (fp32).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Wire { get; init; }

    public required string Objective { get; init; }

    public required double Lambda { get; init; }

    public required PlanAccuracy Accuracy { get; init; }

    public required IReadOnlyList<double> StrategyAccuracyCost { get; init; }

    public required string CostModel { get; init; }

    public required int Units { get; init; }

    public required int BlockCount { get; init; }

    public required IReadOnlyList<PlanPart> Parts { get; init; }

    public required IReadOnlyList<PlanTransfer> Transfers { get; init; }

    /// <summary>--results: the device where the outputs are consumed. Absent in plans written before it (the last device).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Results { get; init; }

    /// <summary>
    /// The outputs' way back when <see cref="Results"/> is upstream of the part holding the last unit: one per
    /// link between, from that part towards the results device, on the downlink. Absent in plans written before it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PlanTransfer>? Returns { get; init; }

    public required ScoredPlan Totals { get; init; }

    public required IReadOnlyList<PlanBaseline> Baselines { get; init; }

    /// <summary>
    /// The seed's ablation table: the co-designed plan with one ingredient removed at a time (w/o roofline, w/o dynamic
    /// structure, w/o multi-objective, w/o wire formats), the rest co-designed. Absent in plans written before it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PlanAblation>? Ablations { get; init; }

    public required IReadOnlyList<ScoredPlan> Pareto { get; init; }

    public required IReadOnlyList<PlanSweepPoint> Sweep { get; init; }

    public required IReadOnlyList<PlanBlock> Blocks { get; init; }

    public required IReadOnlyList<string> UnknownOps { get; init; }

    public IReadOnlyList<Warning>? Warnings { get; init; }
}

/// <summary>The normalization prepend-normalization put in front of the model: x = (v · scale − mean[c]) / std[c].</summary>
public sealed record PlanNormalization
{
    /// <summary>The model input it reads (its name unchanged, its type now uint8).</summary>
    public required string Input { get; init; }

    public required double Scale { get; init; }

    public required IReadOnlyList<double> Mean { get; init; }

    public required IReadOnlyList<double> Std { get; init; }
}

public sealed record PlanLink
{
    public required string Spec { get; init; }

    /// <summary>The uplink (forward transfers, device j → j+1).</summary>
    public required double BitsPerSecond { get; init; }

    /// <summary>The downlink (results sent back upstream); absent in plans written before it (the uplink's rate).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DownBitsPerSecond { get; init; }

    public required double? LatencyMs { get; init; }
}

/// <summary>One part: <see cref="File"/> and <see cref="Strategy"/> are null for a relay part (its device only forwards).</summary>
public sealed record PlanPart
{
    public required int Index { get; init; }

    public required string? File { get; init; }

    public required string Device { get; init; }

    /// <summary>
    /// The precision the part is costed and built at (fp32, fp16, int8): the lowest its device runs at or above
    /// the plan's <see cref="PlanDocument.Precision"/>. Absent in plans written before it; they ran every part at that one.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Precision { get; init; }

    /// <summary>An int8 part is a QDQ model, whose per-channel DequantizeLinear needs opset 13: the opset the model had when its part was raised to 13.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? OpsetRaisedFrom { get; init; }

    /// <summary>
    /// "fp16" where compile wrote the part's weights and compute in float16 (pass cast-fp16: its device's TensorRT builds
    /// strongly typed, ≥ 10.12), its inputs and outputs still of their listed types; absent where the file computes in
    /// float32 (a device that lowers it with --fp16 itself, an fp32 part, or an int8 part's QDQ model).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StoredPrecision { get; init; }

    public required string? Strategy { get; init; }

    public required int Nodes { get; init; }

    public required long Flops { get; init; }

    public required long Bytes { get; init; }

    public required double? PredictedMs { get; init; }

    public required IReadOnlyList<PlanTensor> Inputs { get; init; }

    public required IReadOnlyList<PlanTensor> Outputs { get; init; }
}

public sealed record PlanTensor
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public required IReadOnlyList<long> Shape { get; init; }

    public required long Bytes { get; init; }
}

/// <summary>
/// The tensors crossing link <see cref="Link"/> (between part Link and part Link + 1; a return goes from part
/// Link + 1 to part Link). <see cref="Ms"/>: the time a frame's tensors take to arrive, serialization + latency;
/// the link is busy (a pipeline stage) for <see cref="SerializationMs"/> only, and <see cref="LatencyMs"/> adds
/// to the response time. Both are absent in plans written before the pipelined link model.
/// </summary>
public sealed record PlanTransfer
{
    public required int Link { get; init; }

    public required string From { get; init; }

    public required string To { get; init; }

    public required IReadOnlyList<PlanTensor> Tensors { get; init; }

    public required long Bytes { get; init; }

    public required double? Ms { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SerializationMs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LatencyMs { get; init; }

    /// <summary>The link's wire format (fp32, fp16, int8): its float32 node outputs travel converted, and <see cref="Tensors"/> names them as sent. Absent in older plans (fp32).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Wire { get; init; }
}

/// <summary>
/// A plan's figures. The totals and the baselines also list each part's and each transfer's time (stagesMs,
/// transfersMs, in pipeline order) so `simulate` can queue a baseline's stages; the Pareto front leaves them out.
/// </summary>
public sealed record ScoredPlan
{
    public required IReadOnlyList<int> Cuts { get; init; }

    public required string Strategies { get; init; }

    /// <summary>Each link's wire format, comma-separated ("fp16", "fp16,fp32"); absent for one device and in older plans.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Wires { get; init; }

    public required double? LatencyMs { get; init; }

    public required double? PeriodMs { get; init; }

    public required double? ThroughputFps { get; init; }

    public required double? AccuracyCost { get; init; }

    public required double? LossMs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? StagesMs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? TransfersMs { get; init; }

    /// <summary>Each return transfer's time (downlink serialization + latency), from the producing part back; with stagesMs, and only when there is a way back.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? ReturnsMs { get; init; }
}

public sealed record PlanBaseline
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required ScoredPlan Plan { get; init; }
}

/// <summary>
/// One row of the ablation table, shaped as a baseline: its name and description, the unit each cut follows, and
/// <see cref="Plan"/> (cuts, strategies, each link's wire format and the figures under the cost model); with
/// validation data, <see cref="MeasuredAccuracy"/> is the plan measured whole as the chosen plan is (in
/// accuracy.metric's units).
/// </summary>
public sealed record PlanAblation
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>The unit each cut follows, "(input)" for a cut before everything.</summary>
    public required IReadOnlyList<string> After { get; init; }

    public required ScoredPlan Plan { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MeasuredAccuracy { get; init; }
}

public sealed record PlanSweepPoint
{
    public required int Boundary { get; init; }

    public required string After { get; init; }

    public required long CrossingBytes { get; init; }

    public required double? LatencyMsS1 { get; init; }

    public required double? ThroughputFpsS1 { get; init; }

    public required double? LatencyMs { get; init; }

    public required double? ThroughputFps { get; init; }

    public required string Strategies { get; init; }

    /// <summary>The first link's wire format in the best plan cutting there; absent in older plans.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Wire { get; init; }

    public required double? AccuracyCost { get; init; }
}

public sealed record PlanBlock
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required int Part { get; init; }

    public required string Strategy { get; init; }

    public required string Result { get; init; }
}

/// <summary>
/// The accuracy side of the plan. <see cref="Model"/>: prior (the seed's branches fused away, weighted by each
/// part's FLOPs share) or measured. <see cref="Predicted"/> is the chosen plan's accuracy cost A as the planner
/// summed it, in <see cref="Metric"/>'s units; with data, <see cref="Measured"/> is the same plan's parts, as
/// emitted and at their devices' precisions, run chained over <see cref="Samples"/> samples against the fp32
/// original (top-1 of the original: <see cref="Original"/>, percent).
/// </summary>
public sealed record PlanAccuracy
{
    public required string Model { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Metric { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Original { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Predicted { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Measured { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Samples { get; init; }

    /// <summary>The parts' precisions in part order, e.g. "fp16,int8".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Precision { get; init; }

    /// <summary>--max-accuracy-drop, in the metric's units.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Budget { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PlanCalibration? Calibration { get; init; }

    /// <summary>The sensitivity table the planner summed: each unit alone, per precision, S1..S4 (units without blocks: four equal entries).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PlanSensitivity>? Sensitivity { get; init; }

    /// <summary>The wire formats' sensitivity the planner added: each cut's tensors alone through each lossy format (cuts where every entry is zero left out).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PlanWireSensitivity>? WireSensitivity { get; init; }

    /// <summary>The plans measured whole while looking for one within the budget, in the order tried.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PlanAccuracyAttempt>? Attempts { get; init; }
}

public sealed record PlanCalibration
{
    public required string Method { get; init; }

    public required double? Percentile { get; init; }

    public required long Samples { get; init; }
}

public sealed record PlanSensitivity
{
    public required string Unit { get; init; }

    public required string Precision { get; init; }

    public required IReadOnlyList<double?> Cost { get; init; }
}

/// <summary>One cut's wire sensitivity: the metric's drop with its tensors through <see cref="Format"/> and back, the rest fp32.</summary>
public sealed record PlanWireSensitivity
{
    public required string After { get; init; }

    public required string Format { get; init; }

    public required double? Cost { get; init; }
}

public sealed record PlanAccuracyAttempt
{
    public required IReadOnlyList<int> Cuts { get; init; }

    public required IReadOnlyList<string> Strategies { get; init; }

    public required double? TimeMs { get; init; }

    public required double? Predicted { get; init; }

    public required double? Measured { get; init; }
}
