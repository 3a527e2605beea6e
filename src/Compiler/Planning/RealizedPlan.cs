using Onnx;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>A tensor at a part's edge or on a link: name, element type, shape and bytes.</summary>
public sealed record TensorSpec(string Name, string Type, long[] Shape, long Bytes, bool Symbolic = false)
{
    public static TensorSpec Of(string name, ShapeInferenceResult shapes, bool symbolic = false)
    {
        var t = shapes.TypeOf(name);
        return new TensorSpec(name, t is null ? "?" : Passes.IR.ElementType.Name(t.ElemType), t?.Dims ?? [], t?.Bytes ?? 0, symbolic);
    }
}

/// <summary>
/// One part of the chosen plan. A part with no nodes has no model: its device only relays what crosses.
/// <see cref="Strategy"/> is null where the part holds no RepVGG block (no strategy changes it).
/// <see cref="Precision"/> is what the part is costed and built at: its device's effective precision under
/// the plan's lowest allowed one (an int8 part is built as a QDQ model).
/// </summary>
public sealed record PlannedPart(
    int Index,
    DeviceProfile Device,
    Precision Precision,
    FusionStrategy? Strategy,
    ModelProto? Model,
    IReadOnlyList<string> Nodes,
    IReadOnlyList<int> Blocks,
    double Flops,
    double Bytes,
    double PredictedSeconds,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs)
{
    public string? File => Model is null ? null : $"part{Index}.onnx";

    /// <summary>The default-domain opset the part had before its QDQ form raised it to 13 (per-channel DequantizeLinear needs 13); null when not raised.</summary>
    public long? OpsetRaisedFrom { get; init; }
}

/// <summary>
/// What crosses link <see cref="Link"/> (between part Link and part Link+1; a return goes From part Link+1 To
/// part Link) and how long it takes: <see cref="Seconds"/> until it has arrived (serialization + latency),
/// of which <see cref="SerializationSeconds"/> keeps the link busy (a pipeline stage) and
/// <see cref="LatencySeconds"/> only adds to the response time.
/// </summary>
public sealed record PlannedTransfer(int Link, string From, string To, IReadOnlyList<TensorSpec> Tensors, long Bytes, double Seconds)
{
    /// <summary>The link's wire format: the float32 node outputs it carries travel converted to it (<see cref="Tensors"/> lists them as sent).</summary>
    public WireFormat Wire { get; init; } = WireFormat.Fp32;

    /// <summary>The planning boundary whose tensors this link carries (−1: the inputs; the last unit: the outputs).</summary>
    public int Boundary { get; init; }

    public double SerializationSeconds { get; init; } = Seconds;

    public double LatencySeconds { get; init; }
}

/// <summary>
/// The chosen plan made concrete: part models, transfers, the strategy each block got, and the outputs'
/// way back (<see cref="Returns"/>, on the downlink) when they are consumed upstream.
/// </summary>
public sealed record RealizedPlan(IReadOnlyList<PlannedPart> Parts, IReadOnlyList<PlannedTransfer> Transfers, StrategyPlan Strategies, FusionResult Fusion)
{
    public IReadOnlyList<PlannedTransfer> Returns { get; init; } = [];
}
