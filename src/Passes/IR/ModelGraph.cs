using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.IR;

/// <summary>
/// A thin, mutable view over a model's main GraphProto: nodes in a stable topological order, producer and
/// consumer maps, and initializer and Constant lookup. It holds no second copy of any weight. After a pass
/// edits <see cref="Proto"/>, it calls <see cref="Refresh"/> so the maps describe the graph again.
/// </summary>
public sealed class ModelGraph
{
    private readonly Dictionary<string, GraphNode> _producer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(GraphNode Node, int Slot)>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly List<GraphNode> _nodes = new();
    private readonly List<ValueInfoProto> _inputs = new();
    private Dictionary<NodeProto, string> _identities;

    public ModelGraph(ModelProto model, string? sourcePath = null)
        : this(model, sourcePath, new Dictionary<NodeProto, string>(ReferenceEqualityComparer.Instance))
    {
    }

    private ModelGraph(ModelProto model, string? sourcePath, Dictionary<NodeProto, string> identities)
    {
        Model = model;
        SourcePath = sourcePath;
        _identities = identities;
        if (model.Graph is null)
        {
            throw new CodesignException(ErrorCodes.MissingGraph, "the model has no graph", sourcePath);
        }
        Refresh();
    }

    /// <summary>
    /// A graph over a deep copy of this model whose nodes keep this graph's identities (<see cref="GraphNode.Name"/>),
    /// so what a pass does to the copy is named as in this one: the planner matches nodes of its fused
    /// variants to the BN-folded model's by identity.
    /// </summary>
    public ModelGraph Copy()
    {
        var model = Model.Clone();
        var identities = new Dictionary<NodeProto, string>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < Proto.Node.Count; i++)
        {
            if (_identities.TryGetValue(Proto.Node[i], out var id)) identities[model.Graph.Node[i]] = id;
        }
        return new ModelGraph(model, SourcePath, identities);
    }

    public ModelProto Model { get; }

    public GraphProto Proto => Model.Graph;

    /// <summary>The file the model was read from, for messages and for resolving external data.</summary>
    public string? SourcePath { get; }

    /// <summary>The opset of the default ONNX domain.</summary>
    public long Opset => OpsetOf("");

    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>Runtime inputs: graph inputs that are not initializers (opset &lt; 9 exports list both).</summary>
    public IReadOnlyList<ValueInfoProto> Inputs => _inputs;

    public IReadOnlyList<ValueInfoProto> Outputs => Proto.Output;

    public IReadOnlyDictionary<string, TensorProto> Initializers => _initializers;

    public long OpsetOf(string domain)
    {
        foreach (var o in Model.OpsetImport)
        {
            var d = o.Domain is "ai.onnx" ? "" : o.Domain;
            if (d == domain) return o.Version;
        }
        return domain.Length == 0 ? 1 : 0;
    }

    public GraphNode? ProducerOf(string tensor) => _producer.GetValueOrDefault(tensor);

    public IReadOnlyList<(GraphNode Node, int Slot)> ConsumersOf(string tensor) =>
        _consumers.TryGetValue(tensor, out var list) ? list : Array.Empty<(GraphNode, int)>();

    public bool IsGraphOutput(string tensor) => Proto.Output.Any(o => o.Name == tensor);

    public bool IsInitializer(string tensor) => _initializers.ContainsKey(tensor);

    public bool IsRuntimeInput(string tensor) => _inputs.Any(i => i.Name == tensor);

    /// <summary>The constant value of a tensor: an initializer, or the output of a Constant node's tensor form.</summary>
    public TensorProto? ConstantOf(string tensor)
    {
        if (_initializers.TryGetValue(tensor, out var init)) return init;
        if (_producer.TryGetValue(tensor, out var node) && node.OpType == "Constant" && node.Domain.Length == 0)
        {
            return node.Proto.GetTensor("value");
        }
        return null;
    }

    /// <summary>Re-derives the order and every map from <see cref="Proto"/>. Throws on a cycle.</summary>
    public void Refresh()
    {
        _initializers.Clear();
        foreach (var t in Proto.Initializer) _initializers[t.Name] = t;
        _inputs.Clear();
        _inputs.AddRange(Proto.Input.Where(i => !_initializers.ContainsKey(i.Name)));
        var order = TopologicalOrder.Compute(Proto, SourcePath);
        _nodes.Clear();
        _producer.Clear();
        _consumers.Clear();
        // Nodes that survive an edit keep their identity; new ones get the next free one.
        _identities = NodeIdentities.Assign(order.Select(o => o.Node).ToList(), _identities);
        foreach (var (proto, implicitInputs) in order)
        {
            var node = new GraphNode(proto, _nodes.Count, implicitInputs, _identities[proto]);
            _nodes.Add(node);
            foreach (var o in proto.Output.Where(o => o.Length > 0)) _producer.TryAdd(o, node);
            for (var slot = 0; slot < proto.Input.Count; slot++)
            {
                if (proto.Input[slot].Length > 0) AddConsumer(proto.Input[slot], node, slot);
            }
            foreach (var tensor in implicitInputs) AddConsumer(tensor, node, -1);
        }
    }

    private void AddConsumer(string tensor, GraphNode node, int slot)
    {
        if (!_consumers.TryGetValue(tensor, out var list)) _consumers[tensor] = list = new();
        list.Add((node, slot));
    }
}
