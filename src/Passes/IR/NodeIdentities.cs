using Onnx;

namespace OnnxCoDesign.Passes.IR;

/// <summary>
/// The identity of every node: the key costs, planning units, cuts, plans and reports use. ONNX makes node
/// names optional and does not require them unique, so an identity is the node's own name when no earlier
/// node took it, <c>OpType_k</c> for the k-th unnamed node of that type (0-based, in topological order: the
/// file's order for a sorted graph, as exports are), and <c>name#k</c> for the k-th node sharing a name
/// (k ≥ 2). A generated identity never equals a real name of the graph. The model's own names are never
/// changed: identities live beside the protos.
/// <para>
/// Identities depend only on the graph, and a node keeps its identity while a pass edits and refreshes the
/// graph around it, and across <see cref="ModelGraph.Copy"/>: the BN-folded model and the planner's fused
/// variants name every node they share with the original as the original does.
/// </para>
/// </summary>
internal static class NodeIdentities
{
    /// <param name="nodes">Every node of the graph, in topological order.</param>
    /// <param name="kept">Identities of nodes an earlier assignment named; those still present keep them.</param>
    public static Dictionary<NodeProto, string> Assign(IReadOnlyList<NodeProto> nodes, IReadOnlyDictionary<NodeProto, string> kept)
    {
        var result = new Dictionary<NodeProto, string>(nodes.Count, ReferenceEqualityComparer.Instance);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (kept.TryGetValue(node, out var id) && taken.Add(id)) result[node] = id;
        }
        foreach (var node in nodes)
        {
            if (!result.ContainsKey(node) && node.Name.Length > 0 && taken.Add(node.Name)) result[node] = node.Name;
        }
        // Generated identities avoid every real name, even one whose node got a suffix.
        taken.UnionWith(nodes.Select(n => n.Name).Where(n => n.Length > 0));
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes.Where(n => !result.ContainsKey(n)))
        {
            var unnamed = node.Name.Length == 0;
            var stem = unnamed ? (node.OpType.Length > 0 ? node.OpType : "node") : node.Name;
            var k = next.GetValueOrDefault(stem, unnamed ? 0 : 2);
            string candidate;
            while (!taken.Add(candidate = unnamed ? $"{stem}_{k}" : $"{stem}#{k}")) k++;
            next[stem] = k + 1;
            result[node] = candidate;
        }
        return result;
    }
}
