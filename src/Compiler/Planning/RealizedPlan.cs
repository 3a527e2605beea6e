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

/// <summary>What crosses link <see cref="Link"/> (between part Link and part Link+1), and how long it takes.</summary>
public sealed record PlannedTransfer(int Link, string From, string To, IReadOnlyList<TensorSpec> Tensors, long Bytes, double Seconds);

/// <summary>The chosen plan made concrete: part models, transfers and the strategy each block got.</summary>
public sealed record RealizedPlan(IReadOnlyList<PlannedPart> Parts, IReadOnlyList<PlannedTransfer> Transfers, StrategyPlan Strategies, FusionResult Fusion);
