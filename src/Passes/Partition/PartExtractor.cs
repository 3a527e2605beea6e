using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Partition;

/// <summary>
/// Extracts a set of nodes as a valid standalone model (DESIGN.md, "Cuts and extraction").
/// <list type="bullet">
/// <item>inputs: the tensors its nodes read that are produced outside it (graph runtime inputs, or other
/// parts' outputs), graph inputs first in the original's order, then by producer; original graph inputs
/// keep their declared type (dim_params included), the others take inferred types;</item>
/// <item>outputs: the tensors it produces that a node outside it reads, or that are graph outputs; the
/// graph outputs first, in the original's order (so a last part lists them as the original does);</item>
/// <item>only the initializers its nodes (and their subgraphs) read, shared ones copied into each part
/// that reads them; an IR 3 model's listing of an initializer as a graph input goes with it;</item>
/// <item>input-free Constant nodes it reads are copied in (<see cref="CarriedConstants"/>); one it holds
/// but only other parts read is left out;</item>
/// <item>value_info of its internal tensors, its quantization annotations, and the model-local functions
/// its nodes call (transitively);</item>
/// <item>the original's ir_version, opset imports, producer, domain, model_version, doc_string and
/// metadata_props, plus <c>codesign.part</c> and <c>codesign.source</c> (the original graph's name).</item>
/// </list>
/// Protos are cloned, so editing a part never edits the original; the clones share the immutable weight
/// ByteStrings, so no weight is copied. Tensors whose bytes are still in a file (external data, or large
/// inline weights the loader deferred) keep their external_data entries: saved with the original's store
/// (<c>ModelSaver.Save(part, path, store)</c>) they are streamed from where they are.
/// </summary>
public static class PartExtractor
{
    public const string PartMetadataKey = "codesign.part";
    public const string SourceMetadataKey = "codesign.source";

    /// <param name="nodes">Nodes of <paramref name="graph"/>: usually a contiguous slice of the order, but any set works.</param>
    /// <exception cref="ArgumentException">No nodes, or a node of another graph.</exception>
    public static ModelProto Extract(ModelGraph graph, ShapeInferenceResult shapes, IEnumerable<GraphNode> nodes, string partName)
    {
        var set = new HashSet<GraphNode>(ReferenceEqualityComparer.Instance);
        foreach (var node in nodes)
        {
            if (node.Order >= graph.Nodes.Count || !ReferenceEquals(graph.Nodes[node.Order], node))
            {
                throw new ArgumentException($"node '{node.Name}' is not a node of graph '{graph.Proto.Name}' (was the graph refreshed?)", nameof(nodes));
            }
            set.Add(node);
        }
        if (set.Count == 0) throw new ArgumentException($"part '{partName}' has no nodes", nameof(nodes));
        return Build(graph, shapes, PartNodes(graph, set), partName);
    }

    /// <summary>
    /// Splits the graph at the given cut positions (ascending, each in 0 … n−2; see <see cref="CutPoints"/>)
    /// into positions.Count + 1 parts named part0, part1, …. Part k's inputs are graph inputs or outputs of
    /// earlier parts. A tensor that crosses several cuts (e.g. a graph output produced early) is an output of
    /// the part producing it only; forwarding it past the parts in between is the pipeline's job.
    /// </summary>
    public static IReadOnlyList<PartModel> Split(ModelGraph graph, ShapeInferenceResult shapes, IReadOnlyList<int> cutPositions)
    {
        var n = graph.Nodes.Count;
        for (var k = 0; k < cutPositions.Count; k++)
        {
            if (cutPositions[k] < 0 || cutPositions[k] > n - 2)
            {
                throw new ArgumentOutOfRangeException(nameof(cutPositions), cutPositions[k], $"a cut position must be in 0..{n - 2} (the graph has {n} nodes)");
            }
            if (k > 0 && cutPositions[k] <= cutPositions[k - 1])
            {
                throw new ArgumentException($"cut positions must be strictly ascending; {cutPositions[k]} follows {cutPositions[k - 1]}", nameof(cutPositions));
            }
        }
        var parts = new List<PartModel>(cutPositions.Count + 1);
        var start = 0;
        for (var k = 0; k <= cutPositions.Count; k++)
        {
            var end = k < cutPositions.Count ? cutPositions[k] : n - 1;
            var slice = new HashSet<GraphNode>(ReferenceEqualityComparer.Instance);
            for (var i = start; i <= end; i++) slice.Add(graph.Nodes[i]);
            var name = $"part{k}";
            var model = Build(graph, shapes, PartNodes(graph, slice), name);
            var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            parts.Add(new PartModel(name, model,
                model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i => i.Name).ToList(),
                model.Graph.Output.Select(o => o.Name).ToList(),
                Enumerable.Range(start, end - start + 1).Select(i => graph.Nodes[i].Name).ToList()));
            start = end + 1;
        }
        return parts;
    }

    /// <summary>
    /// The nodes the part's model holds, in topological order: the given ones, less carried constants only
    /// other parts read, plus copies of the carried constants it reads but another part holds.
    /// </summary>
    private static List<GraphNode> PartNodes(ModelGraph graph, HashSet<GraphNode> set)
    {
        var graphOutputs = CarriedConstants.OutputNames(graph);
        var result = new HashSet<GraphNode>(ReferenceEqualityComparer.Instance);
        foreach (var node in set)
        {
            if (CarriedConstants.IsCarried(node, graphOutputs)) continue;
            result.Add(node);
            foreach (var input in node.Inputs.Concat(node.ImplicitInputs))
            {
                if (input.Length > 0 && graph.ProducerOf(input) is { } p && CarriedConstants.IsCarried(p, graphOutputs)) result.Add(p);
            }
        }
        // A part of constants alone (nobody in it reads them) keeps them, rather than becoming empty.
        if (result.Count == 0) result.UnionWith(set);
        return result.OrderBy(n => n.Order).ToList();
    }

    private static ModelProto Build(ModelGraph graph, ShapeInferenceResult shapes, List<GraphNode> nodes, string partName)
    {
        var file = graph.SourcePath;
        var inPart = new HashSet<GraphNode>(nodes, ReferenceEqualityComparer.Instance);
        var produced = new HashSet<string>(nodes.SelectMany(n => n.Outputs).Where(o => o.Length > 0), StringComparer.Ordinal);
        var read = new HashSet<string>(nodes.SelectMany(n => n.Inputs.Concat(n.ImplicitInputs)).Where(i => i.Length > 0), StringComparer.Ordinal);

        var declared = new Dictionary<string, ValueInfoProto>(StringComparer.Ordinal);
        foreach (var v in graph.Proto.ValueInfo.Concat(graph.Proto.Output)) declared.TryAdd(v.Name, v);
        var graphOutputs = CarriedConstants.OutputNames(graph);
        var runtimeInputs = new Dictionary<string, ValueInfoProto>(StringComparer.Ordinal);
        var inputIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in graph.Inputs)
        {
            runtimeInputs.TryAdd(input.Name, input);
            inputIndex.TryAdd(input.Name, inputIndex.Count);
        }

        var part = new GraphProto { Name = partName, DocString = graph.Proto.DocString };
        part.Node.AddRange(nodes.Select(n => n.Proto.Clone()));

        // Inputs: what the part reads and neither produces nor carries as a constant.
        var sparse = graph.Proto.SparseInitializer.Where(x => x.Values is not null).Select(x => x.Values.Name).ToHashSet(StringComparer.Ordinal);
        var boundaryIn = read.Where(t => !produced.Contains(t) && !graph.IsInitializer(t) && !sparse.Contains(t))
            .OrderBy(t => BirthRank(graph, inputIndex, t))
            .ThenBy(t => t, StringComparer.Ordinal)
            .ToList();
        foreach (var t in boundaryIn)
        {
            part.Input.Add(runtimeInputs.TryGetValue(t, out var original)
                ? original.Clone()
                : BoundaryTypes.For(t, shapes.TypeOf(t), declared.GetValueOrDefault(t), file));
        }

        // Outputs: graph outputs it produces, then what nodes of other parts read.
        var outputs = new List<string>();
        var isOutput = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in graph.Outputs) if (produced.Contains(o.Name) && isOutput.Add(o.Name)) outputs.Add(o.Name);
        foreach (var node in nodes.Where(n => !CarriedConstants.IsCarried(n, graphOutputs)))
        {
            foreach (var o in node.Outputs.Where(o => o.Length > 0 && !isOutput.Contains(o)))
            {
                if (graph.ConsumersOf(o).Any(c => !inPart.Contains(c.Node)) && isOutput.Add(o)) outputs.Add(o);
            }
        }
        foreach (var o in outputs) part.Output.Add(BoundaryTypes.For(o, shapes.TypeOf(o), declared.GetValueOrDefault(o), file));

        // Initializers it reads, in the original's order; IR 3 lists each as a graph input too.
        var initializerNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in graph.Proto.Initializer)
        {
            if (!read.Contains(t.Name) || !initializerNames.Add(t.Name)) continue;
            part.Initializer.Add(t.Clone());
        }
        foreach (var input in graph.Proto.Input)
        {
            if (initializerNames.Contains(input.Name)) part.Input.Add(input.Clone());
        }
        foreach (var s in graph.Proto.SparseInitializer)
        {
            if (s.Values is not null && read.Contains(s.Values.Name)) part.SparseInitializer.Add(s.Clone());
        }

        // value_info describes internal tensors; the boundary ones are declared as inputs and outputs.
        foreach (var v in graph.Proto.ValueInfo)
        {
            if (produced.Contains(v.Name) && !isOutput.Contains(v.Name)) part.ValueInfo.Add(v.Clone());
        }
        var tensors = new HashSet<string>(read.Concat(produced), StringComparer.Ordinal);
        foreach (var q in graph.Proto.QuantizationAnnotation)
        {
            if (tensors.Contains(q.TensorName)) part.QuantizationAnnotation.Add(q.Clone());
        }
        part.MetadataProps.AddRange(graph.Proto.MetadataProps.Select(m => m.Clone()));

        return WrapModel(graph, part, partName, nodes);
    }

    private static ModelProto WrapModel(ModelGraph graph, GraphProto part, string partName, List<GraphNode> nodes)
    {
        var source = graph.Model;
        var model = new ModelProto
        {
            IrVersion = source.IrVersion,
            ProducerName = source.ProducerName,
            ProducerVersion = source.ProducerVersion,
            Domain = source.Domain,
            ModelVersion = source.ModelVersion,
            DocString = source.DocString,
            Graph = part,
        };
        model.OpsetImport.AddRange(source.OpsetImport.Select(o => o.Clone()));
        // Extracting from a part again names the new part; other metadata passes through unchanged.
        model.MetadataProps.AddRange(source.MetadataProps
            .Where(m => m.Key is not (PartMetadataKey or SourceMetadataKey))
            .Select(m => m.Clone()));
        var sourceName = source.MetadataProps.FirstOrDefault(m => m.Key == SourceMetadataKey)?.Value ?? graph.Proto.Name;
        model.MetadataProps.Add(new StringStringEntryProto { Key = PartMetadataKey, Value = partName });
        model.MetadataProps.Add(new StringStringEntryProto { Key = SourceMetadataKey, Value = sourceName });
        model.Functions.AddRange(UsedFunctions(source, nodes.Select(n => n.Proto)).Select(f => f.Clone()));
        return model;
    }

    /// <summary>The model-local functions the nodes call, directly or through other functions, in the original's order.</summary>
    private static List<FunctionProto> UsedFunctions(ModelProto model, IEnumerable<NodeProto> nodes)
    {
        if (model.Functions.Count == 0) return new List<FunctionProto>();
        static string Key(string domain, string name, string overload) => $"{domain}\n{name}\n{overload}";
        var byKey = new Dictionary<string, FunctionProto>(StringComparer.Ordinal);
        foreach (var f in model.Functions) byKey.TryAdd(Key(f.Domain, f.Name, f.Overload), f);
        var used = new HashSet<FunctionProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<NodeProto>(nodes.SelectMany(WithSubgraphNodes));
        while (pending.TryPop(out var node))
        {
            if (!byKey.TryGetValue(Key(node.Domain, node.OpType, node.Overload), out var f) || !used.Add(f)) continue;
            foreach (var inner in f.Node.SelectMany(WithSubgraphNodes)) pending.Push(inner);
        }
        return model.Functions.Where(used.Contains).ToList();
    }

    private static IEnumerable<NodeProto> WithSubgraphNodes(NodeProto node)
    {
        yield return node;
        foreach (var attr in node.Attribute)
        {
            var graphs = attr.G is null ? attr.Graphs : attr.Graphs.Append(attr.G);
            foreach (var inner in graphs.SelectMany(g => g.Node).SelectMany(WithSubgraphNodes)) yield return inner;
        }
    }

    /// <summary>Where a tensor comes into being: graph inputs first (in order), then by producer and output slot.</summary>
    private static (int, int) BirthRank(ModelGraph graph, Dictionary<string, int> inputIndex, string tensor)
    {
        if (inputIndex.TryGetValue(tensor, out var i)) return (-1, i);
        if (graph.ProducerOf(tensor) is not { } p) return (int.MaxValue, 0);
        for (var slot = 0; slot < p.Outputs.Count; slot++) if (p.Outputs[slot] == tensor) return (p.Order, slot);
        return (p.Order, 0);
    }
}
