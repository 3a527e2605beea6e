using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.IR;

/// <summary>
/// Kahn's algorithm with the file order as tie-break, so a graph already in order keeps it and the
/// printout is stable. Inputs nobody produces (graph inputs, initializers, undefined names) impose no
/// edge here; the verifier reports undefined ones.
/// </summary>
internal static class TopologicalOrder
{
    public static List<(NodeProto Node, IReadOnlyList<string> ImplicitInputs)> Compute(GraphProto graph, string? file)
    {
        var nodes = graph.Node;
        var implicitInputs = nodes.Select(n => (IReadOnlyList<string>)SubgraphScope.OuterReferences(n)).ToArray();
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var o in nodes[i].Output.Where(o => o.Length > 0)) producer.TryAdd(o, i);
        }

        var indegree = new int[nodes.Count];
        var successors = new List<int>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++) successors[i] = new List<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Input.Concat(implicitInputs[i]).Where(s => s.Length > 0).Distinct())
            {
                if (!producer.TryGetValue(input, out var p)) continue;
                successors[p].Add(i);
                indegree[i]++;
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (indegree[i] == 0) ready.Enqueue(i, i);
        }
        var result = new List<(NodeProto, IReadOnlyList<string>)>(nodes.Count);
        while (ready.TryDequeue(out var i, out _))
        {
            result.Add((nodes[i], implicitInputs[i]));
            foreach (var s in successors[i])
            {
                if (--indegree[s] == 0) ready.Enqueue(s, s);
            }
        }

        if (result.Count != nodes.Count)
        {
            var stuck = Enumerable.Range(0, nodes.Count).First(i => indegree[i] > 0);
            var name = string.IsNullOrEmpty(nodes[stuck].Name) ? $"{nodes[stuck].OpType} #{stuck}" : nodes[stuck].Name;
            throw new CodesignException(ErrorCodes.Cycle,
                $"the graph has a cycle: node '{name}' depends on its own output through {nodes.Count - result.Count} node(s)", file);
        }
        return result;
    }
}
