using OnnxCoDesign.Compiler.Devices;

namespace OnnxCoDesign.Compiler.Planning;

public enum Objective { Latency, Throughput }

public enum CostModelKind { Roofline, Paper }

/// <summary>
/// Everything the optimizer needs, per unit of the model (a node, or a whole RepVGG block: cuts never
/// split a block, since its part's strategy rewrites it whole), per strategy (index 0..3 = S1..S4) and per
/// device of the chain. Unit costs are summed over ranges with prefix sums, so any part costs O(1).
/// Boundary b (−1 … Units−1) is "after unit b": −1 is before everything, Units−1 after everything.
/// </summary>
public sealed record PlanningProblem
{
    public const int Strategies = 4;

    public required IReadOnlyList<string> UnitNames { get; init; }

    /// <summary>Whether a unit is a RepVGG block (only those react to a strategy).</summary>
    public required bool[] IsBlock { get; init; }

    /// <summary>Roofline seconds of each unit: [device][strategy][unit].</summary>
    public required double[][][] UnitSeconds { get; init; }

    /// <summary>
    /// Kernel-level corrections at the cuts, [device][strategy][boundary + 1] (null at node level and for the paper's
    /// model): what a part ending at interior boundary b adds (<see cref="SecondsBeforeCut"/>), and what a part
    /// starting after it adds (<see cref="SecondsAfterCut"/>), for the kernels the cut splits in two.
    /// </summary>
    public double[][][]? SecondsBeforeCut { get; init; }

    /// <inheritdoc cref="SecondsBeforeCut"/>
    public double[][][]? SecondsAfterCut { get; init; }

    /// <summary>FLOPs of each unit: [strategy][unit].</summary>
    public required double[][] UnitFlops { get; init; }

    /// <summary>The paper's bytes of each unit (weights it uses + outputs it writes): [strategy][unit].</summary>
    public required double[][] UnitPaperBytes { get; init; }

    /// <summary>FLOPs of each unit in the unfused model, for a part's share α of the model.</summary>
    public required double[] BaseFlops { get; init; }

    /// <summary>Bytes crossing each boundary, indexed boundary + 1 (so 0 is the graph inputs).</summary>
    public required long[] BoundaryBytes { get; init; }

    public required IReadOnlyList<DeviceProfile> Devices { get; init; }

    /// <summary>The lowest precision the plan allows (--precision); each device runs <see cref="PrecisionOn"/>.</summary>
    public required Precision Precision { get; init; }

    /// <summary>The precision device <paramref name="device"/> costs and builds its part at: the lowest it supports at or above <see cref="Precision"/>.</summary>
    public Precision PrecisionOn(int device) => Devices[device].EffectivePrecision(Precision);

    public required LinkProfile Link { get; init; }

    /// <summary>
    /// --results: the device where the outputs are consumed (0 … devices − 1; the last when unset). When it is
    /// upstream of the part that produces the outputs, they travel back over each link between on the downlink.
    /// </summary>
    public int? ResultsDevice { get; init; }

    /// <summary><see cref="ResultsDevice"/>, or the last device.</summary>
    public int Results => ResultsDevice ?? Devices.Count - 1;

    public Objective Objective { get; init; } = Objective.Latency;

    public CostModelKind CostModel { get; init; } = CostModelKind.Roofline;

    public double Lambda { get; init; }

    /// <summary>Accuracy cost of each strategy for a part that has blocks (prior: 2, 1, 1, 0 branches fused away).</summary>
    public double[] StrategyAccuracyCost { get; init; } = [2, 1, 1, 0];

    /// <summary>
    /// A measured accuracy cost of each unit, [device][strategy][unit], in the metric's units (top-1 points,
    /// or output deviation in percent): the unit alone at the device's precision with that strategy. When
    /// set, a part's accuracy cost is the sum over its units and <see cref="StrategyAccuracyCost"/> is unused.
    /// </summary>
    public double[][][]? UnitAccuracyCost { get; init; }

    /// <summary>
    /// Bytes crossing each boundary in each wire format, [format][boundary + 1] (<see cref="WireFormat"/> order):
    /// the float32 node outputs at their format's element size, everything else as it is. Null: every format
    /// costs <see cref="BoundaryBytes"/> (no tensor can be converted).
    /// </summary>
    public long[][]? WireBytes { get; init; }

    /// <summary>
    /// The formats each link may carry converted tensors in (--wire, and what both of its devices support);
    /// null: fp32 only. A boundary without float32 node outputs, the model's inputs and its outputs always travel
    /// as they are (fp32 in the plan's terms).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<WireFormat>>? AllowedWires { get; init; }

    /// <summary>
    /// Per boundary + 1: the earliest unit that produces a float32 tensor crossing it (int.MaxValue when none).
    /// A tensor crosses boundaries b' &lt; b both iff its producer is at or before b', so consecutive links share
    /// a tensor iff this is at most the earlier boundary; they must then carry the same format (a tensor is
    /// encoded once, by its producer, and decoded by each part that reads it).
    /// </summary>
    public int[]? EarliestProducer { get; init; }

    /// <summary>
    /// Accuracy cost of sending boundary b's tensors in each format, [format][boundary + 1], in the units of the
    /// strategies' costs: measured (the whole fp32 model with those tensors rounded through the format) or the prior
    /// <see cref="PriorWireAccuracyCost"/>. Null: the prior.
    /// </summary>
    public double[][]? WireAccuracyCost { get; init; }

    /// <summary>The prior cost of one crossing per format: fp32 0; fp16 0 (the fp16 devices compute in fp16 already); int8 1 (a guess, as the strategies' prior is; measured with --accuracy measured).</summary>
    public static IReadOnlyList<double> PriorWireAccuracyCost { get; } = [0, 0, 1];

    public int Units => UnitNames.Count;
}
