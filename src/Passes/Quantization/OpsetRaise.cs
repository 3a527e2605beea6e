using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Quantization;

/// <summary>
/// Raises a model's default-domain opset to 13, where DequantizeLinear takes the <c>axis</c> attribute that
/// per-channel weights need (QuantizeLinear/DequantizeLinear exist from 10, per-tensor only). A node keeps its
/// meaning when its operator did not change between the version the model resolves it to and 13, apart from
/// type extensions; the table below gives, per operator, the lowest model opset from which that holds.
/// Operators whose form changed are rewritten to the opset-13 form:
/// <list type="bullet">
/// <item>Squeeze, Unsqueeze, ReduceSum (axes) and Split (split): the attribute becomes an int64 constant input (13).</item>
/// <item>Softmax, LogSoftmax, Hardmax: before 13 they flatten the input to 2-D at <c>axis</c>; from 13 they
/// work along <c>axis</c> alone. The two agree when axis is the last dimension, which is then written explicitly;
/// any other axis is refused.</item>
/// <item>BatchNormalization 7–8: <c>spatial</c> (1, the default) is dropped; spatial=0 is refused.</item>
/// </list>
/// Any other operator (Upsample, Dropout before 12, Clip and Pad before 11, Resize before 11, control flow,
/// operators not listed) is refused with <see cref="ErrorCodes.QuantizeOpsetUnsupported"/> naming node, op and
/// opset. <see cref="Plan"/> is pure; <see cref="Apply"/> edits. The IR version is raised to 7 with the opset.
/// </summary>
public static class OpsetRaise
{
    public const long Target = 13;

    private const long TargetIrVersion = 7;

    /// <summary>Lowest model opset from which each operator means at 13 what it means at that opset.</summary>
    private static readonly Dictionary<string, long> SameFrom = new(StringComparer.Ordinal)
    {
        ["Conv"] = 1, ["ConvTranspose"] = 1, ["MatMul"] = 1, ["Gemm"] = 7,
        ["Relu"] = 6, ["LeakyRelu"] = 6, ["Sigmoid"] = 6, ["Tanh"] = 6, ["Elu"] = 6, ["HardSigmoid"] = 6, ["PRelu"] = 7,
        ["Exp"] = 6, ["Log"] = 6, ["Sqrt"] = 6, ["Neg"] = 6, ["Abs"] = 6, ["Reciprocal"] = 6, ["Floor"] = 6, ["Ceil"] = 6,
        ["Add"] = 7, ["Sub"] = 7, ["Mul"] = 7, ["Div"] = 7, ["Pow"] = 7, ["Sum"] = 8, ["Max"] = 8, ["Min"] = 8, ["Mean"] = 8,
        ["MaxPool"] = 1, ["AveragePool"] = 1, ["GlobalAveragePool"] = 1, ["GlobalMaxPool"] = 1,
        ["BatchNormalization"] = 7, ["Flatten"] = 1, ["Reshape"] = 5, ["Concat"] = 4, ["Transpose"] = 1, ["Shape"] = 1,
        ["Gather"] = 1, ["Slice"] = 10, ["Pad"] = 11, ["Clip"] = 11, ["Cast"] = 6, ["Constant"] = 1, ["ConstantOfShape"] = 9,
        ["Identity"] = 1, ["Expand"] = 8, ["Resize"] = 11, ["ReduceMean"] = 1, ["ReduceMax"] = 1, ["ReduceMin"] = 1,
        ["ReduceProd"] = 1, ["ReduceL2"] = 1, ["QuantizeLinear"] = 10, ["DequantizeLinear"] = 10,
        ["Squeeze"] = 1, ["Unsqueeze"] = 1, ["ReduceSum"] = 1, ["Split"] = 2,
        ["Softmax"] = 1, ["LogSoftmax"] = 1, ["Hardmax"] = 1,
    };

    /// <summary>Operators whose attribute became an int64 input at 13: which attribute, which input slot.</summary>
    private static readonly Dictionary<string, (string Attribute, int Slot)> AttributeToInput = new(StringComparer.Ordinal)
    {
        ["Squeeze"] = ("axes", 1), ["Unsqueeze"] = ("axes", 1), ["ReduceSum"] = ("axes", 1), ["Split"] = ("split", 1),
    };

    /// <summary>One node's rewrite to its opset-13 form.</summary>
    public sealed record NodeChange(GraphNode Node, string Detail);

    /// <summary>What raising takes: the opset it starts from and the nodes rewritten.</summary>
    public sealed record RaisePlan(long From, IReadOnlyList<NodeChange> Changes);

    /// <summary>Pure: null when the opset is already 13 or more, else the plan; throws OCD1801 on a node that cannot follow.</summary>
    public static RaisePlan? Plan(ModelGraph graph, ShapeInferenceResult shapes)
    {
        var from = graph.Opset;
        if (from >= Target) return null;
        var changes = new List<NodeChange>();
        foreach (var node in graph.Nodes.Where(n => n.Domain.Length == 0))
        {
            if (!SameFrom.TryGetValue(node.OpType, out var since) || from < since)
            {
                throw Refuse(graph, node, from, $"its meaning changed before opset {Target}");
            }
            if (AttributeToInput.TryGetValue(node.OpType, out var moved))
            {
                if (node.Proto.Has(moved.Attribute)) changes.Add(new NodeChange(node, $"attribute '{moved.Attribute}' becomes input {moved.Slot}"));
            }
            else if (node.OpType is "Softmax" or "LogSoftmax" or "Hardmax")
            {
                var rank = node.Input(0) is { } x ? shapes.TypeOf(x)?.Rank ?? -1 : -1;
                var axis = node.Proto.GetInt("axis", 1);
                if (rank < 1 || (axis < 0 ? axis + rank : axis) != rank - 1)
                {
                    throw Refuse(graph, node, from, $"axis {axis} is not the last dimension of its rank-{rank} input, so opset {Target}'s one-axis form computes something else");
                }
                changes.Add(new NodeChange(node, $"axis written as {rank - 1}"));
            }
            else if (node.OpType == "BatchNormalization" && node.Proto.Find("spatial") is { } spatial)
            {
                if (spatial.I != 1) throw Refuse(graph, node, from, "spatial=0 has no opset-13 form");
                changes.Add(new NodeChange(node, "attribute 'spatial' (1) dropped"));
            }
        }
        return new RaisePlan(from, changes);
    }

    /// <summary>Raises the opset to 13 and rewrites the planned nodes. The caller refreshes the graph.</summary>
    public static void Apply(ModelGraph graph, RaisePlan plan, ShapeInferenceResult shapes, Func<string, string> fresh)
    {
        foreach (var (node, _) in plan.Changes)
        {
            var proto = node.Proto;
            if (AttributeToInput.TryGetValue(node.OpType, out var moved))
            {
                var attribute = proto.Find(moved.Attribute)!;
                var name = fresh($"{node.Name}_{moved.Attribute}");
                var tensor = new TensorProto { Name = name, DataType = ElementType.Int64 };
                tensor.Dims.Add(attribute.Ints.Count);
                tensor.Int64Data.AddRange(attribute.Ints);
                graph.Proto.Initializer.Add(tensor);
                while (proto.Input.Count < moved.Slot) proto.Input.Add("");
                proto.Input.Insert(moved.Slot, name);
                proto.Attribute.Remove(attribute);
            }
            else if (node.OpType is "Softmax" or "LogSoftmax" or "Hardmax")
            {
                var rank = shapes.TypeOf(node.Input(0)!)!.Rank;
                if (proto.Find("axis") is { } axis) proto.Attribute.Remove(axis);
                proto.Attribute.Add(NodeAttributes.Int("axis", rank - 1));
            }
            else
            {
                proto.Attribute.Remove(proto.Find("spatial")!);
            }
        }
        var model = graph.Model;
        foreach (var o in model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx")) o.Version = Target;
        if (!model.OpsetImport.Any(o => o.Domain is "" or "ai.onnx")) model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Target });
        if (model.IrVersion < TargetIrVersion) model.IrVersion = TargetIrVersion;
    }

    private static CodesignException Refuse(ModelGraph graph, GraphNode node, long from, string why) =>
        new(ErrorCodes.QuantizeOpsetUnsupported,
            $"int8 QDQ needs opset {Target} (per-channel DequantizeLinear) but node '{node.Name}' ({node.OpType}) cannot be raised from opset {from}: {why}",
            graph.SourcePath);
}
