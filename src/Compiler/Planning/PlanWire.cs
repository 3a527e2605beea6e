using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Wire;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// Puts a plan's wire formats into its part models (<see cref="WireCodec"/>). Each convertible tensor (a float32
/// node output crossing an interior cut; <see cref="PlanningModel.Convertible"/>) of a link with a lossy format is
/// encoded once, by the part that produces it — its output becomes <c>t__fp16</c> (Cast) or <c>t__int8</c>
/// (QuantizeLinear, scale amax/127 calibrated on the BN-folded model, zero point 0) — and decoded at the front of
/// each later part that reads it. The part holding the last unit decodes the model's outputs produced upstream and
/// delivers them in float32, so the results leave the plan as the original's do. The planner keeps a tensor's
/// format the same on every link it crosses, so each tensor has one encoding. Part and transfer tensor lists
/// name what is sent: the wire name, its element type and bytes.
/// </summary>
public static class PlanWire
{
    /// <summary>The calibration key of the wire's int8 ranges: the BN-folded model, whose crossing tensors every strategy shares.</summary>
    public const string CalibrationKey = "folded";

    /// <summary>
    /// The normwise relative tolerance (max|c − r| / max|r| over each output, <c>OutputComparison</c>) --verify holds
    /// a chain with a lossy wire to: the format's rounding at the cut (fp16: unit roundoff 2⁻¹¹ ≈ 4.9e-4; int8: half a
    /// step of amax/127, ≈ 3.9e-3 of the range) with a margin of 20 for its growth through the rest of the model:
    /// 1e-2 for fp16, 1e-1 for int8. The exact form (fp32 links) is checked to 1e-4 as well.
    /// </summary>
    public static double Tolerance(WireFormat lossiest) => lossiest switch
    {
        WireFormat.Int8 => 1e-1,
        WireFormat.Fp16 => 1e-2,
        _ => Verification.VerifyOptions.DefaultTolerance,
    };

    /// <param name="amax">Calibrated ranges of tensors of the BN-folded model (needed only when a link is int8).</param>
    public static RealizedPlan Apply(RealizedPlan plan, PlanningModel planning, Func<IReadOnlyList<string>, IReadOnlyDictionary<string, double>>? amax)
    {
        var formats = Formats(plan, planning);
        if (formats.Count == 0) return plan;
        var int8 = formats.Where(kv => kv.Value == WireFormat.Int8).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        var ranges = int8.Count == 0 ? new Dictionary<string, double>()
            : (amax ?? throw new InvalidOperationException("an int8 link needs calibrated ranges"))(int8);
        var wire = formats.ToDictionary(kv => kv.Key, kv => Tensor(kv.Key, kv.Value, ranges), StringComparer.Ordinal);

        var outputOrder = planning.Base.Graph.Outputs.Select(o => o.Name).ToList();
        var lastPart = plan.Parts.Last(p => p.Model is not null).Index;
        var parts = plan.Parts.Select(part =>
        {
            if (part.Model is null) return part;
            var encode = part.Outputs.Where(o => wire.ContainsKey(o.Name)).Select(o => wire[o.Name]).ToList();
            var decode = part.Inputs.Where(i => wire.ContainsKey(i.Name)).Select(i => wire[i.Name]).ToList();
            var produced = part.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            var deliver = part.Index != lastPart ? [] : outputOrder.Where(o => wire.ContainsKey(o) && !produced.Contains(o)).Select(o => wire[o]).ToList();
            if (encode.Count + decode.Count + deliver.Count == 0) return part;
            var graph = new ModelGraph(part.Model.Clone(), null);
            if (decode.Count > 0) WireCodec.DecodeInputs(graph, decode);
            if (deliver.Count > 0)
            {
                // The part holds no type for a model output produced upstream: declare it (float32, the shape planned with).
                var g = graph.Model.Graph;
                foreach (var d in deliver.Where(d => !g.Input.Concat(g.Output).Concat(g.ValueInfo).Any(v => v.Name == d.Tensor)))
                {
                    g.ValueInfo.Add(Declaration(Spec(plan, d.Tensor)));
                }
                WireCodec.DecodeToOutputs(graph, deliver, outputOrder);
            }
            if (encode.Count > 0) WireCodec.EncodeOutputs(graph, encode);
            var inputs = part.Inputs.Select(i => Sent(i, wire)).ToList();
            inputs.AddRange(deliver.Where(d => !part.Inputs.Any(i => i.Name == d.Tensor)).Select(d => Sent(Spec(plan, d.Tensor), wire)));
            var outputs = part.Outputs.Select(o => Sent(o, wire)).ToList();
            outputs.AddRange(deliver.Select(d => Spec(plan, d.Tensor)));
            outputs = outputs.OrderBy(o => Rank(outputOrder, o.Name)).ToList();
            return part with { Model = graph.Model, Inputs = inputs, Outputs = outputs };
        }).ToList();
        var transfers = plan.Transfers.Select(t => t with { Tensors = t.Tensors.Select(x => Sent(x, wire)).ToList() }).ToList();
        return plan with { Parts = parts, Transfers = transfers };
    }

    /// <summary>Tensor <paramref name="name"/> sent in lossy format <paramref name="format"/>: fp16, or int8 with the scale of its calibrated range in <paramref name="ranges"/>.</summary>
    public static WireTensor Tensor(string name, WireFormat format, IReadOnlyDictionary<string, double>? ranges) => format switch
    {
        WireFormat.Fp16 => new WireTensor(name, WireEncoding.Fp16),
        WireFormat.Int8 => new WireTensor(name, WireEncoding.Int8, WireTensor.Int8Scale((ranges ?? throw new ArgumentNullException(nameof(ranges)))[name])),
        _ => throw new ArgumentException($"fp32 sends '{name}' as it is: there is nothing to convert", nameof(format)),
    };

    /// <summary>Each convertible tensor of a lossy link and its format; one format per tensor (the planner's constraint, checked).</summary>
    public static Dictionary<string, WireFormat> Formats(RealizedPlan plan, PlanningModel planning)
    {
        var formats = new Dictionary<string, WireFormat>(StringComparer.Ordinal);
        foreach (var transfer in plan.Transfers.Where(t => t.Wire.Lossy()))
        {
            foreach (var t in planning.Convertible(transfer.Boundary))
            {
                if (formats.TryGetValue(t.Name, out var other) && other != transfer.Wire)
                {
                    throw new InvalidOperationException($"tensor '{t.Name}' would cross links in {other.Name()} and {transfer.Wire.Name()}");
                }
                formats[t.Name] = transfer.Wire;
            }
        }
        return formats;
    }

    /// <summary>A tensor as it is sent: its wire name, element type and bytes when it is converted.</summary>
    private static TensorSpec Sent(TensorSpec spec, IReadOnlyDictionary<string, WireTensor> wire)
    {
        if (!wire.TryGetValue(spec.Name, out var w)) return spec;
        var (type, size) = w.Encoding == WireEncoding.Fp16 ? ("float16", 2) : ("int8", 1);
        return spec with { Name = w.WireName, Type = type, Bytes = spec.Bytes / 4 * size };
    }

    private static Onnx.ValueInfoProto Declaration(TensorSpec spec)
    {
        var shape = new Onnx.TensorShapeProto();
        foreach (var d in spec.Shape) shape.Dim.Add(new Onnx.TensorShapeProto.Types.Dimension { DimValue = d });
        return new Onnx.ValueInfoProto { Name = spec.Name, Type = new Onnx.TypeProto { TensorType = new Onnx.TypeProto.Types.Tensor { ElemType = ElementType.Float, Shape = shape } } };
    }

    /// <summary>The float32 spec of a model output, from the transfers that carry it.</summary>
    private static TensorSpec Spec(RealizedPlan plan, string tensor) =>
        plan.Transfers.SelectMany(t => t.Tensors).First(t => t.Name == tensor);

    private static int Rank(List<string> order, string name)
    {
        var i = order.IndexOf(name);
        return i < 0 ? int.MaxValue : i;
    }
}
