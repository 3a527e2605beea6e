using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite;
using Change = OnnxCoDesign.Passes.Rewrite.Rewrite;

namespace OnnxCoDesign.Passes.Preprocessing;

/// <summary>
/// Pass <c>prepend-normalization</c>: the model takes the camera's uint8 frame and normalizes it itself, so a plan
/// that ships the raw frame ships one byte per pixel.
/// <code>
/// Before:  input: float32[N, C, H, W]           → readers(input)
/// After:   input: uint8[N, C, H, W]  (same name) → Cast(to=float) → Mul(scale) → Sub(mean) → Div(std) → readers
/// </code>
/// Math (per channel c, on the stored value v in [0, 255]): x = (float(v) · scale − mean[c]) / std[c], with mean
/// and std as [1, C, 1, 1] initializers (one value is broadcast to every channel) and scale a scalar; the same
/// float32 operations, in the same order, as the data loader's normalization, so both give the same bits.
/// The input keeps its name: build scripts, data files and plan.json name it as before, and only its element
/// type changes. The normalized tensor is new, INPUT_normalized, and every node that read the input reads it.
/// Preconditions (checked before any edit; a failure is OCD1532 naming the input, the model untouched): the
/// input is a float32 runtime input of rank 4 (NCHW); mean and std hold 1 or C values (C known when more than
/// one); the input is no graph output and no subgraph reads it; opset ≥ 7 (broadcasting Mul/Sub/Div).
/// </summary>
public sealed class PrependNormalization(InputNormalization normalization, string? input = null) : IGraphPass
{
    public const string Name = "prepend-normalization";

    string IGraphPass.Name => Name;

    public IReadOnlyList<string> TargetOps { get; } = ["Cast", "Mul", "Sub", "Div"];

    public InputNormalization Normalization { get; } = normalization;

    public PassResult Run(ModelGraph graph, PassContext context)
    {
        var match = Match(graph, Normalization, input);
        Apply(graph, match, Normalization);
        graph.Refresh();
        return new PassResult(Name, [new Change(match.Input, $"takes uint8 and normalizes it into '{match.Normalized}'")], []);
    }

    internal sealed record NormalizationMatch(string Input, long Channels, string Normalized);

    /// <summary>Pure: looks, never edits; throws OCD1532 naming the input when the rewrite does not apply.</summary>
    internal static NormalizationMatch Match(ModelGraph graph, InputNormalization n, string? input)
    {
        var file = graph.SourcePath;
        var candidates = graph.Inputs.Where(i => input is null || i.Name == input).ToList();
        if (candidates.Count != 1)
        {
            throw new CodesignException(ErrorCodes.PrependNormalizationUnsupported, input is null
                ? $"the model has {graph.Inputs.Count} runtime inputs ({string.Join(", ", graph.Inputs.Select(i => i.Name))}); a uint8 input format needs exactly one"
                : $"the model has no runtime input '{input}'", file);
        }
        var v = candidates[0];
        var type = v.Type?.TensorType;
        if (type is null || type.ElemType != ElementType.Float || type.Shape is null || type.Shape.Dim.Count != 4)
        {
            var found = type is null ? "not a tensor" : $"{ElementType.Name(type.ElemType)} of rank {type.Shape?.Dim.Count.ToString() ?? "unknown"}";
            throw Refuse(v.Name, $"is {found}; a uint8 input format needs a float32 NCHW (rank 4) input", file);
        }
        var c = type.Shape.Dim[1];
        long? channels = c.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? c.DimValue : null;
        foreach (var (key, values) in new[] { ("mean", n.Mean), ("std", n.Std) })
        {
            if (values.Count == 1) continue;
            if (channels is null) throw Refuse(v.Name, $"has a symbolic channel dimension '{c.DimParam}' but {key} gives {values.Count} values; give one", file);
            if (values.Count != channels) throw Refuse(v.Name, $"has {channels} channels but {key} gives {values.Count} values; give 1 or {channels}", file);
        }
        if (n.Std.Any(s => !(s > 0)) || !(n.Scale > 0)) throw Refuse(v.Name, "needs std and scale greater than zero", file);
        if (graph.IsGraphOutput(v.Name)) throw Refuse(v.Name, "is also a graph output", file);
        if (graph.Nodes.Any(node => node.ImplicitInputs.Contains(v.Name))) throw Refuse(v.Name, "is read inside a subgraph", file);
        if (graph.Opset < 7) throw Refuse(v.Name, $"belongs to an opset {graph.Opset} model; the normalization needs opset 7 or later (broadcasting)", file);
        return new NormalizationMatch(v.Name, Math.Max(channels ?? 1, 1), v.Name + "_normalized");
    }

    private static void Apply(ModelGraph graph, NormalizationMatch m, InputNormalization n)
    {
        var edit = new GraphEdit(graph);
        var readers = graph.ConsumersOf(m.Input).Select(r => (r.Node.Proto, r.Slot)).ToList();
        var perChannel = (IReadOnlyList<float> values) => values.Count == 1 ? new long[] { 1, 1, 1, 1 } : [1, m.Channels, 1, 1];
        var scale = edit.AddInitializer(m.Input + "_scale", new[] { n.Scale });
        var mean = edit.AddInitializer(m.Input + "_mean", n.Mean.ToArray(), perChannel(n.Mean));
        var std = edit.AddInitializer(m.Input + "_std", n.Std.ToArray(), perChannel(n.Std));
        var cast = edit.Fresh(m.Input + "_float");
        var scaled = edit.Fresh(m.Input + "_scaled");
        var centred = edit.Fresh(m.Input + "_centred");
        var normalized = edit.Fresh(m.Normalized);
        NodeProto[] nodes =
        [
            GraphEdit.Node(edit.Fresh(m.Input + "_cast"), "Cast", [m.Input], [cast], NodeAttributes.Int("to", ElementType.Float)),
            GraphEdit.Node(edit.Fresh(m.Input + "_scale_mul"), "Mul", [cast, scale], [scaled]),
            GraphEdit.Node(edit.Fresh(m.Input + "_mean_sub"), "Sub", [scaled, mean], [centred]),
            GraphEdit.Node(edit.Fresh(m.Input + "_std_div"), "Div", [centred, std], [normalized]),
        ];
        foreach (var (node, slot) in readers) node.Input[slot] = normalized;
        for (var i = 0; i < nodes.Length; i++) graph.Proto.Node.Insert(i, nodes[i]);
        graph.Proto.Input.First(i => i.Name == m.Input).Type.TensorType.ElemType = ElementType.UInt8;
    }

    private static CodesignException Refuse(string input, string why, string? file) =>
        new(ErrorCodes.PrependNormalizationUnsupported, $"input '{input}' {why}", file);
}
