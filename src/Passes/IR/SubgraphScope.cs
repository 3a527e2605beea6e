using Onnx;

namespace OnnxCoDesign.Passes.IR;

/// <summary>Names that a node's subgraphs (If, Loop, Scan bodies) read from the enclosing graph.</summary>
internal static class SubgraphScope
{
    public static List<string> OuterReferences(NodeProto node)
    {
        var result = new List<string>();
        foreach (var attr in node.Attribute)
        {
            if (attr.G is not null) Collect(attr.G, result);
            foreach (var g in attr.Graphs) Collect(g, result);
        }
        return result.Distinct().ToList();
    }

    private static void Collect(GraphProto graph, List<string> result)
    {
        var defined = new HashSet<string>(graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name)), StringComparer.Ordinal);
        foreach (var n in graph.Node)
        {
            foreach (var o in n.Output) defined.Add(o);
        }
        foreach (var n in graph.Node)
        {
            result.AddRange(n.Input.Where(i => i.Length > 0 && !defined.Contains(i)));
            result.AddRange(OuterReferences(n).Where(i => !defined.Contains(i)));
        }
    }
}
