using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>
/// Edits a pass makes once its match is complete: fresh names, new initializers, nodes replaced in
/// place, and the clean-up of initializers and value_info nothing refers to any more.
/// </summary>
/// <param name="deferTo">Where float32 weights given as a fill are left as recipes (<see cref="PassContext.DeferredWeights"/>); null computes them at once.</param>
internal sealed class GraphEdit(ModelGraph graph, ExternalDataStore? deferTo = null)
{
    private readonly HashSet<string> _names = AllNames(graph);

    /// <summary>
    /// <paramref name="preferred"/> if no tensor, node or initializer has it, else preferred_1, _2, …; a node
    /// identity counts as a name, so a new node never takes the identity generated for an unnamed one.
    /// </summary>
    public string Fresh(string preferred)
    {
        var name = preferred;
        for (var i = 1; !_names.Add(name); i++) name = $"{preferred}_{i}";
        return name;
    }

    private byte[] _zeros = [];

    public string AddInitializer(string preferredName, double[] values, params long[] dims) =>
        Add(Fresh(preferredName), name => ConstantFloats.Float32(name, values, dims), dims);

    public string AddInitializer(string preferredName, float[] values, params long[] dims) =>
        Add(Fresh(preferredName), name => ConstantFloats.Float32(name, values, dims), dims);

    /// <summary>
    /// A float32 initializer whose values are computed straight into its bytes: now, or, with a store to defer
    /// to, each time they are read or saved (so <paramref name="fill"/> must read only tensors it captured), and with
    /// <paramref name="range"/> also a run of values alone (a reader taking the weight a channel at a time).
    /// </summary>
    public string AddInitializer(string preferredName, long[] dims, ConstantFloats.SpanAction fill, ConstantFloats.RangeAction? range = null) =>
        Add(Fresh(preferredName), name => deferTo is null ? ConstantFloats.Float32(name, dims, fill) : ConstantFloats.Deferred(name, dims, fill, deferTo, range), dims);

    /// <summary>
    /// A float32 initializer of zeros that shares one zero buffer with every other such initializer of this
    /// edit (or, with a store to defer to, no buffer at all): analysis variants of a model (shapes and costs
    /// only) get the right structure without a copy of the weights.
    /// </summary>
    public string AddZeros(string preferredName, long[] dims)
    {
        // With a store to defer to, the zeros are not even allocated: the tensor is a recipe that clears its buffer.
        if (deferTo is not null) return AddInitializer(preferredName, dims, values => values.Clear());
        var bytes = checked((int)(dims.Aggregate(1L, (a, d) => a * d) * 4));
        if (_zeros.Length < bytes) _zeros = new byte[bytes];
        var tensor = new TensorProto { DataType = ElementType.Float, RawData = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(_zeros.AsMemory(0, bytes)) };
        tensor.Dims.AddRange(dims);
        return Add(Fresh(preferredName), name => { tensor.Name = name; return tensor; }, dims);
    }

    private string Add(string name, Func<string, TensorProto> tensor, long[] dims)
    {
        graph.Proto.Initializer.Add(tensor(name));
        // IR 3 (opset < 9 exports) requires every initializer to be listed as a graph input as well.
        if (graph.Model.IrVersion is > 0 and < 4) graph.Proto.Input.Add(FloatInput(name, dims));
        return name;
    }

    private static ValueInfoProto FloatInput(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        var tensor = new TypeProto.Types.Tensor { ElemType = ElementType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    /// <summary>
    /// Replaces <paramref name="remove"/> by <paramref name="add"/>, placed where the last removed node was.
    /// The last one is the matched root (a block's final Add): the new nodes may read any node kept from
    /// the match (a block's identity BN), which sits before it, and only the root's output is read outside
    /// the match, after it. Placing them at the first removed node could put a reader before its producer,
    /// and ONNX requires the node list in topological order.
    /// </summary>
    public void Replace(IReadOnlyCollection<NodeProto> remove, IEnumerable<NodeProto> add)
    {
        var nodes = graph.Proto.Node;
        var set = new HashSet<NodeProto>(remove, ReferenceEqualityComparer.Instance);
        var index = -1;
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            if (!set.Contains(nodes[i])) continue;
            nodes.RemoveAt(i);
            // Every removal at or before the last removed node's place moves that place down by one.
            index = index < 0 ? i : index - 1;
        }
        foreach (var n in add) nodes.Insert(index++, n);
    }

    /// <summary>Drops initializers and value_info entries that no node, input or output names any more.</summary>
    public void RemoveUnreferenced()
    {
        var proto = graph.Proto;
        var used = new HashSet<string>(proto.Node.SelectMany(n => n.Input.Concat(n.Output)), StringComparer.Ordinal);
        used.UnionWith(proto.Output.Select(o => o.Name));
        used.UnionWith(proto.Node.SelectMany(SubgraphScope.OuterReferences));
        var runtimeInputs = proto.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = proto.Initializer.Count - 1; i >= 0; i--)
        {
            var name = proto.Initializer[i].Name;
            if (used.Contains(name)) continue;
            proto.Initializer.RemoveAt(i);
            // Exports for opset < 9 list initializers as inputs too; drop the listing with the initializer.
            if (runtimeInputs.Contains(name)) proto.Input.Remove(proto.Input.First(v => v.Name == name));
        }
        for (var i = proto.ValueInfo.Count - 1; i >= 0; i--)
        {
            if (!used.Contains(proto.ValueInfo[i].Name)) proto.ValueInfo.RemoveAt(i);
        }
    }

    public static NodeProto Node(string name, string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static HashSet<string> AllNames(ModelGraph graph)
    {
        var names = TensorNames(graph);
        names.UnionWith(graph.Nodes.Select(n => n.Name));
        names.UnionWith(graph.Proto.Node.Select(n => n.Name));
        return names;
    }

    /// <summary>Every tensor name in the graph: node inputs and outputs, initializers, graph inputs, outputs and value_info.</summary>
    public static HashSet<string> TensorNames(ModelGraph graph)
    {
        var g = graph.Proto;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in g.Node)
        {
            names.UnionWith(n.Input);
            names.UnionWith(n.Output);
        }
        names.UnionWith(g.Initializer.Select(i => i.Name));
        names.UnionWith(g.Input.Select(i => i.Name));
        names.UnionWith(g.Output.Select(i => i.Name));
        names.UnionWith(g.ValueInfo.Select(i => i.Name));
        names.Remove("");
        return names;
    }
}
