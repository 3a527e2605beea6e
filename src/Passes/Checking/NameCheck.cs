using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// Names that must not repeat: node names within the graph (ONNX's IR gives nodes a namespace of their own,
/// each name unique; an empty name names nothing and may repeat) and attribute names within a node. ONNX
/// Runtime refuses either at load, so a model that repeats one is refused here, for every node, known
/// operator or not.
/// </summary>
internal static class NameCheck
{
    public static void Check(GraphProto graph, string? file)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.Name.Length > 0 && !seen.TryAdd(node.Name, i))
            {
                throw new CodesignException(ErrorCodes.NodeNameRepeated,
                    $"nodes {seen[node.Name]} and {i} are both named '{node.Name}'; node names must be unique (or empty)", file);
            }
            CheckAttributes(new NodeSite(node, file));
        }
    }

    private static void CheckAttributes(NodeSite site)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attribute in site.Node.Attribute)
        {
            if (!names.Add(attribute.Name))
            {
                throw site.Fail(ErrorCodes.AttributeRepeated, $"attribute '{attribute.Name}' is given twice");
            }
        }
    }
}
