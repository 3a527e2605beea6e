namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>Names: missing (node names are optional in ONNX), duplicated, or clashing across inputs, initializers and outputs.</summary>
public static class NameMutations
{
    private const string Class = "names";

    public static IEnumerable<Mutation> All { get; } =
    [
        new("node-name-cleared", Class, c => { if (c.PickNode() is { } n) n.Name = ""; }),
        // Clearing the classifier's Gemm name is the reproducer real exports hit first (issue 9).
        new("last-node-name-cleared", Class, c => { if (c.Graph.Node.Count > 0) c.Graph.Node[^1].Name = ""; }),
        new("all-node-names-cleared", Class, c => { foreach (var n in c.Graph.Node) n.Name = ""; }),
        new("node-name-duplicated", Class, c =>
        {
            if (c.Graph.Node.Count < 2) return;
            var a = c.PickNode()!;
            var b = c.PickNode(n => n != a)!;
            b.Name = a.Name;
        }),
        new("graph-input-duplicated", Class, c => { if (c.Graph.Input.Count > 0) c.Graph.Input.Add(c.Random.PickFrom(c.Graph.Input.ToList()).Clone()); }),
        new("initializer-duplicated", Class, c => { if (c.PickInitializer() is { } t) c.Graph.Initializer.Add(t.Clone()); }),
        new("graph-output-duplicated", Class, c => { if (c.Graph.Output.Count > 0) c.Graph.Output.Add(c.Graph.Output[0].Clone()); }),
        new("tensor-defined-twice", Class, c =>
        {
            // A later node writes the tensor an earlier one already defines.
            if (c.Graph.Node.Count < 2) return;
            int i = c.Random.Next(c.Graph.Node.Count - 1);
            int j = c.Random.Between(i + 1, c.Graph.Node.Count - 1);
            c.Graph.Node[j].Output[0] = c.Graph.Node[i].Output[0];
        }),
        new("initializer-named-like-input", Class, c =>
        {
            // An initializer with the graph input's name (IR 4 allows it as a default) but a wrong, tiny shape.
            if (c.Graph.Input.Count == 0) return;
            c.Graph.Initializer.Add(OnnxCoDesign.Samples.TensorFactory.Float(c.Graph.Input[0].Name, [1f], 1));
        }),
        new("tensor-name-emptied", Class, c =>
        {
            // A node output named "" is ONNX's "omitted", so its consumers now read nothing.
            if (c.PickNode() is { } n && n.Output.Count > 0) n.Output[0] = "";
        }),
    ];
}
