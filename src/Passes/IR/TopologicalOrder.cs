using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.IR;

/// <summary>
/// Kahn's algorithm with the file order as tie-break, so a graph already in order keeps it and the
/// printout is stable. Inputs nobody produces (graph inputs, initializers, undefined names) impose no
/// edge here; the verifier reports undefined ones. A name that a graph input or initializer defines
/// imposes no edge either, even when a node also writes it: that is a double assignment, which the
/// verifier reports, not a cycle.
/// </summary>
internal static class TopologicalOrder
{
    public static List<(NodeProto Node, IReadOnlyList<string> ImplicitInputs)> Compute(GraphProto graph, string? file)
    {
        var nodes = graph.Node;
        var implicitInputs = nodes.Select(n => (IReadOnlyList<string>)SubgraphScope.OuterReferences(n)).ToArray();
        var definedByGraph = new HashSet<string>(graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(t => t.Name)), StringComparer.Ordinal);
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var o in nodes[i].Output.Where(o => o.Length > 0 && !definedByGraph.Contains(o))) producer.TryAdd(o, i);
        }

        var indegree = new int[nodes.Count];
        var successors = new List<int>[nodes.Count];
        var predecessors = new List<int>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            successors[i] = new List<int>();
            predecessors[i] = new List<int>();
        }
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Input.Concat(implicitInputs[i]).Where(s => s.Length > 0).Distinct())
            {
                if (!producer.TryGetValue(input, out var p)) continue;
                successors[p].Add(i);
                predecessors[i].Add(p);
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
            var cycle = FindCycle(indegree, predecessors);
            string Name(int n) => string.IsNullOrEmpty(nodes[n].Name) ? $"{nodes[n].OpType} #{n}" : nodes[n].Name;
            var first = cycle.Min();
            var start = cycle.IndexOf(first);
            var path = cycle.Skip(start).Concat(cycle.Take(start)).Append(first).Select(Name);
            throw new CodesignException(ErrorCodes.Cycle,
                $"the graph has a cycle: node '{Name(first)}' depends on its own output through {cycle.Count} node(s): {string.Join(" -> ", path)}", file);
        }
        return result;
    }

    /// <summary>
    /// The nodes of one cycle, in data-flow order. Every node Kahn's algorithm left behind waits on another
    /// left-behind node, so walking back through those must come round to a node already seen.
    /// </summary>
    private static List<int> FindCycle(int[] indegree, List<int>[] predecessors)
    {
        var seen = new Dictionary<int, int>();
        var walk = new List<int>();
        var current = Array.FindIndex(indegree, d => d > 0);
        while (!seen.ContainsKey(current))
        {
            seen[current] = walk.Count;
            walk.Add(current);
            current = predecessors[current].First(p => indegree[p] > 0);
        }
        var cycle = walk.Skip(seen[current]).ToList();
        cycle.Reverse();
        return cycle;
    }
}
