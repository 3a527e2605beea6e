using Google.Protobuf;
using Onnx;

namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>
/// What a mutation works on: the model (or, after byte damage, its serialized bytes), the files to place beside
/// it, the `--shape` bindings to pass, and the input's random stream. Paths are relative to the input's own
/// folder (the model is <see cref="ModelPath"/>); nothing is written until <see cref="FuzzCaseWriter"/> runs.
/// </summary>
public sealed class MutationContext(ModelProto model, FuzzRandom random, string caseFolder)
{
    /// <summary>Where the model file goes, relative to the case folder; "../x" from it stays inside the case folder.</summary>
    public const string ModelPath = "in/model.onnx";

    public const string ModelFolder = "in";

    public ModelProto Model { get; } = model;

    public FuzzRandom Random { get; } = random;

    /// <summary>The input's folder (absolute), for mutations that need an absolute path inside it.</summary>
    public string CaseFolder { get; } = caseFolder;

    /// <summary>The model file's bytes once a byte-level mutation ran; until then the model is serialized.</summary>
    public byte[]? Bytes { get; set; }

    /// <summary>More files to write, relative to the case folder.</summary>
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Symbolic links to create: path → target, both relative to the case folder.</summary>
    public Dictionary<string, string> Links { get; } = new(StringComparer.Ordinal);

    /// <summary>`--shape` values every command gets.</summary>
    public List<string> ShapeBindings { get; } = [];

    public GraphProto Graph => Model.Graph ??= new GraphProto();

    public byte[] Serialized() => Bytes ?? Model.ToByteArray();

    /// <summary>A random node satisfying <paramref name="filter"/>, else any node, else null (an empty graph).</summary>
    public NodeProto? PickNode(Func<NodeProto, bool>? filter = null)
    {
        var nodes = Graph.Node;
        var matching = filter is null ? nodes.ToList() : nodes.Where(filter).ToList();
        if (matching.Count == 0) matching = nodes.ToList();
        return matching.Count == 0 ? null : Random.PickFrom(matching);
    }

    public NodeProto? PickNode(params string[] opTypes) => PickNode(n => opTypes.Contains(n.OpType, StringComparer.Ordinal));

    /// <summary>A random float initializer with raw data (the builder writes all weights that way), preferring <paramref name="filter"/>.</summary>
    public TensorProto? PickInitializer(Func<TensorProto, bool>? filter = null)
    {
        var all = Graph.Initializer.ToList();
        var matching = filter is null ? all : all.Where(filter).ToList();
        if (matching.Count == 0) matching = all;
        return matching.Count == 0 ? null : Random.PickFrom(matching);
    }

    /// <summary>The initializer a node input names, when it is one.</summary>
    public TensorProto? Initializer(string name) => Graph.Initializer.FirstOrDefault(t => t.Name == name);

    /// <summary>A Conv node that has a bias initializer, with that bias; null when the model has none.</summary>
    public (NodeProto Conv, TensorProto Bias)? PickConvBias()
    {
        var candidates = Graph.Node
            .Where(n => n.OpType == "Conv" && n.Input.Count > 2 && Initializer(n.Input[2]) is not null)
            .Select(n => (n, Initializer(n.Input[2])!)).ToList();
        return candidates.Count == 0 ? null : Random.PickFrom(candidates);
    }

    /// <summary>Every place a tensor name is defined: graph inputs, initializers, node outputs.</summary>
    public IEnumerable<string> DefinedNames() =>
        Graph.Input.Select(i => i.Name).Concat(Graph.Initializer.Select(t => t.Name)).Concat(Graph.Node.SelectMany(n => n.Output));

    public static float[] Floats(TensorProto t) =>
        t.RawData.Length > 0 ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : [.. t.FloatData];

    public static ByteString RawOf(float[] values) =>
        ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
}
