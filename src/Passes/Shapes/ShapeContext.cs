using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes;

/// <summary>What a shape rule sees of one node: its inputs' types and known values, and its outputs to set.</summary>
public sealed class ShapeContext
{
    private readonly ShapeInferenceResult _result;
    private readonly Func<string, ConstValue?> _constantOf;

    internal ShapeContext(GraphNode node, long opset, ShapeInferenceResult result, Func<string, ConstValue?> constantOf, string? file)
    {
        Node = node;
        Opset = opset;
        _result = result;
        _constantOf = constantOf;
        File = file;
    }

    public GraphNode Node { get; }

    public NodeProto Proto => Node.Proto;

    /// <summary>The opset of the default domain the model imports.</summary>
    public long Opset { get; }

    public string? File { get; }

    public int InputCount => Node.Inputs.Count;

    public int OutputCount => Node.Outputs.Count;

    /// <summary>Whether optional input <paramref name="i"/> is present (not omitted, not an empty name).</summary>
    public bool HasInput(int i) => Node.Input(i) is not null;

    /// <summary>The input's type and shape; fails when the input is missing or its shape is unknown.</summary>
    public TensorInfo Input(int i)
    {
        var name = Node.Input(i) ?? throw Fail($"input {i} is required");
        if (_result.Types.TryGetValue(name, out var info)) return info;
        var producer = _result.UnknownProducerOf(name);
        if (producer is not null)
        {
            throw new CodesignException(ErrorCodes.UnknownOperatorShapeNeeded,
                $"node '{Node.Name}' ({Node.OpType}) needs the shape of '{name}', produced by '{producer.Name}' of unknown operator {Describe(producer)}, and no value_info declares it", File);
        }
        throw Fail($"the type of input '{name}' is unknown");
    }

    /// <summary>The dims of an input whose rank must be known.</summary>
    public long[] Dims(int i) => Input(i).Dims ?? throw Fail($"the rank of input '{Node.Input(i)}' is unknown");

    public int ElemType(int i) => Input(i).ElemType;

    /// <summary>The input's value when it is known at compile time (initializer, Constant or folded); else null.</summary>
    public ConstValue? Const(int i) => Node.Input(i) is { } name ? _constantOf(name) : null;

    /// <summary>The input's integer values, or null when they are not known at compile time.</summary>
    public long[]? ConstInts(int i) => Const(i)?.Ints;

    public void SetOutput(int i, int elemType, long[]? dims, ConstValue? value = null)
    {
        if (i >= Node.Outputs.Count || Node.Outputs[i].Length == 0) return;
        var name = Node.Outputs[i];
        var info = new TensorInfo(elemType, dims);
        TensorBounds.Check(info, $"tensor '{name}' of node '{Node.Name}' ({Node.OpType})", File);
        _result.Types[name] = info;
        if (value is not null && value.Count <= ConstValue.MaxElements) _result.Constants[name] = value;
    }

    public void SetOutput(int i, TensorInfo info, ConstValue? value = null) => SetOutput(i, info.ElemType, info.Dims, value);

    /// <summary>
    /// <paramref name="rank"/> unknown dims, for a rank read from the length of a shape or axes vector;
    /// a negative rank or one past <see cref="TensorBounds.MaxRank"/> is a shape error, not an allocation.
    /// </summary>
    public long[] UnknownShape(long rank) => rank is >= 0 and <= TensorBounds.MaxRank
        ? Enumerable.Repeat(-1L, (int)rank).ToArray()
        : throw Fail($"the output would have rank {rank}, outside 0..{TensorBounds.MaxRank}");

    /// <summary>A shape error at this node, with the stable code and the node named.</summary>
    public CodesignException Fail(string message) =>
        new(ErrorCodes.ShapeMismatch, $"node '{Node.Name}' ({Node.OpType}): {message}", File);

    /// <summary>A shape computation of this node that passed the int64 range (OCD1307).</summary>
    internal CodesignException Overflow(OverflowException e) =>
        new(ErrorCodes.ArithmeticOverflow, $"node '{Node.Name}' ({Node.OpType}): a shape computation passes the int64 range; its attributes or input shapes are out of range", File, e);

    /// <summary>An attribute or form of the operator that inference does not handle.</summary>
    public CodesignException Unsupported(string message) =>
        new(ErrorCodes.UnsupportedAttribute, $"node '{Node.Name}' ({Node.OpType}): {message}", File);

    /// <summary>Normalises a possibly negative axis against a rank.</summary>
    public int Axis(long axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw Fail($"axis {axis} is out of range for rank {rank}");
        return (int)a;
    }

    private static string Describe(GraphNode node) => node.Domain.Length == 0 ? node.OpType : $"{node.Domain}.{node.OpType}";
}
