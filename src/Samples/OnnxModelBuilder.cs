using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>
/// Low-level fluent builder of a single-graph ONNX model. It checks what exporters guarantee (unique
/// names, every node input already defined) so a malformed test model fails here, not deep in a pass.
/// </summary>
public sealed class OnnxModelBuilder
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <param name="graphName">The graph's name.</param>
    /// <param name="opset">The default-domain opset the layers are written for; also what <see cref="Build"/> stamps.</param>
    public OnnxModelBuilder(string graphName = "main", int opset = 13)
    {
        _graph = new GraphProto { Name = graphName };
        Opset = opset;
    }

    /// <summary>The default-domain opset; layer helpers read it to pick the operator form.</summary>
    public int Opset { get; }

    /// <summary>Also list every initializer as a graph input, as exports for opset &lt; 9 (IR 3) do.</summary>
    public bool InitializersAsInputs { get; set; }

    public IReadOnlyList<TensorProto> Initializers => _graph.Initializer;

    public IReadOnlyList<NodeProto> Nodes => _graph.Node;

    /// <summary>A name not yet used in this graph: <c>prefix_0</c>, <c>prefix_1</c>, …; it is reserved.</summary>
    public string Fresh(string prefix)
    {
        _counters.TryGetValue(prefix, out int n);
        string name;
        do
        {
            name = $"{prefix}_{n++}";
        } while (_used.Contains(name));
        _counters[prefix] = n;
        _used.Add(name);
        return name;
    }

    /// <summary>Reserves an exact name; throws when it is already taken.</summary>
    public string Reserve(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("a name must not be empty", nameof(name));
        if (!_used.Add(name)) throw new ArgumentException($"the name '{name}' is already used in graph '{_graph.Name}'", nameof(name));
        return name;
    }

    public bool IsDefined(string tensor) => _defined.Contains(tensor);

    public OnnxModelBuilder Input(string name, int elemType, params long[] dims) =>
        Input(name, elemType, dims.Cast<object>().ToArray());

    /// <summary>A runtime input; each dim is a number or a symbolic name such as "batch".</summary>
    public OnnxModelBuilder Input(string name, int elemType, params object[] dims)
    {
        Define(name);
        _graph.Input.Add(TensorFactory.ValueInfo(name, elemType, dims));
        return this;
    }

    /// <summary>A graph output with only its element type; its shape is left for inference.</summary>
    public OnnxModelBuilder Output(string name, int elemType = ElementType.Float) => AddOutput(name, elemType, null);

    public OnnxModelBuilder Output(string name, int elemType, params long[] dims) =>
        AddOutput(name, elemType, dims.Cast<object>().ToArray());

    public OnnxModelBuilder Output(string name, int elemType, params object[] dims) => AddOutput(name, elemType, dims);

    public OnnxModelBuilder Initializer(string name, float[] data, params long[] dims) =>
        Initializer(TensorFactory.Float(name, data, dims));

    public OnnxModelBuilder Initializer(string name, long[] data, params long[] dims) =>
        Initializer(TensorFactory.Int64(name, data, dims));

    public OnnxModelBuilder Initializer(TensorProto tensor)
    {
        Define(tensor.Name);
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>Adds a node named <c>{opType}_{n}</c>; returns its outputs.</summary>
    public string[] Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attrs) =>
        NamedNode(Fresh(opType), opType, inputs, outputs, attrs);

    /// <summary>Adds a single-output node; the output is named after the node.</summary>
    public string Node(string opType, string[] inputs, params AttributeProto[] attrs)
    {
        var nodeName = Fresh(opType);
        return NamedNode(nodeName, opType, inputs, [Reserve(nodeName + "_output_0")], attrs)[0];
    }

    /// <summary>Adds a node with a name the caller has already reserved (or that is still free).</summary>
    public string[] NamedNode(string nodeName, string opType, string[] inputs, string[] outputs, params AttributeProto[] attrs)
    {
        _used.Add(nodeName);
        foreach (var i in inputs)
        {
            // "" marks an omitted optional input.
            if (i.Length > 0 && !_defined.Contains(i))
            {
                throw new InvalidOperationException($"node '{nodeName}' ({opType}) reads '{i}', which nothing defines yet");
            }
        }
        foreach (var o in outputs) Define(o);
        var node = new NodeProto { Name = nodeName, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attrs);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>
    /// The model. <paramref name="opset"/> defaults to <see cref="Opset"/> and <paramref name="irVersion"/>
    /// to the IR version of that opset's ONNX release (7 for opset 13). The builder can go on afterwards.
    /// </summary>
    public ModelProto Build(int? opset = null, long? irVersion = null)
    {
        int op = opset ?? Opset;
        var graph = _graph.Clone(); // ByteStrings are immutable, so weights are shared, not copied.
        if (InitializersAsInputs)
        {
            foreach (var t in _graph.Initializer)
            {
                graph.Input.Add(TensorFactory.ValueInfo(t.Name, t.DataType, t.Dims.Cast<object>().ToArray()));
            }
        }
        var model = new ModelProto
        {
            IrVersion = irVersion ?? OnnxVersions.IrVersionFor(op),
            ProducerName = OnnxVersions.ProducerName,
            ProducerVersion = "1",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = op });
        return model;
    }

    private OnnxModelBuilder AddOutput(string name, int elemType, object[]? dims)
    {
        if (!_defined.Contains(name)) throw new InvalidOperationException($"graph output '{name}' is not defined");
        _graph.Output.Add(TensorFactory.ValueInfo(name, elemType, dims));
        return this;
    }

    private void Define(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("a tensor name must not be empty");
        if (!_defined.Add(name)) throw new InvalidOperationException($"tensor '{name}' is defined twice in graph '{_graph.Name}'");
        _used.Add(name);
    }
}
