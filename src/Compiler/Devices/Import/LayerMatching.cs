using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Devices.Import;

/// <summary>Why a layer counts as overhead instead of a kernel's time.</summary>
public enum LayerRole
{
    /// <summary>Its name names nodes of the part: its time is theirs.</summary>
    Matched,

    /// <summary>A format change or copy TensorRT inserted ("Reformatting CopyNode for …").</summary>
    Reformat,

    /// <summary>Its name names no node of the part ("(Unnamed Layer* 12) [Shuffle]", "__myl_…").</summary>
    NoNode,

    /// <summary>It names only nodes the cost model treats as free (Reshape, Flatten, …).</summary>
    Free,
}

/// <summary>One profiled layer and the kernels of the part it ran.</summary>
public sealed record LayerMatch(TrtexecLayer Layer, LayerRole Role, IReadOnlyList<int> Kernels);

/// <summary>
/// Kernels and layers that belong together: one layer may run several of the part's kernels (TensorRT fuses
/// more), and one kernel may run as several layers (TensorRT fuses less). A group is a connected set of both;
/// its time is the sum of its layers' and the cost model predicts it as the sum of its kernels'.
/// </summary>
public sealed record KernelGroup(IReadOnlyList<int> Kernels, IReadOnlyList<int> Layers, double Seconds);

public sealed record LayerMatchResult(IReadOnlyList<LayerMatch> Layers, IReadOnlyList<KernelGroup> Groups)
{
    /// <summary>Time per inference of the layers that ran no kernel of the part: overhead.</summary>
    public double UnmatchedSeconds => Layers.Where(l => l.Role != LayerRole.Matched).Sum(l => l.Layer.Seconds);

    public int MatchedCount => Layers.Count(l => l.Role == LayerRole.Matched);
}

/// <summary>
/// Matches a trtexec profile's layers to the part's kernels by the node names in the layer names
/// (<see cref="LayerNames"/>), also by a node's output tensor name (TensorRT's fallback for an unnamed node).
/// </summary>
public static class LayerMatching
{
    public static LayerMatchResult Run(IReadOnlyList<TrtexecLayer> layers, IReadOnlyList<Kernel> kernels, ModelGraph graph)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        var byOutput = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            order.TryAdd(node.Name, i);
            foreach (var o in node.Outputs) byOutput.TryAdd(o, node.Name);
        }
        var kernelOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < kernels.Count; k++)
        {
            foreach (var n in kernels[k].Nodes) kernelOf[n] = k;
        }
        string? Node(string name) => kernelOf.ContainsKey(name) ? name : byOutput.GetValueOrDefault(name) is { } n && kernelOf.ContainsKey(n) ? n : null;

        var matches = new List<LayerMatch>(layers.Count);
        foreach (var layer in layers)
        {
            if (LayerNames.IsReformat(layer.Name))
            {
                matches.Add(new LayerMatch(layer, LayerRole.Reformat, []));
                continue;
            }
            var nodes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in LayerNames.References(layer.Name, name => Node(name) is not null))
            {
                var from = Node(r.From)!;
                if (r.To is null || !order.ContainsKey(from) || Node(r.To) is not { } to || !order.ContainsKey(to))
                {
                    nodes.Add(from);
                    continue;
                }
                for (var i = Math.Min(order[from], order[to]); i <= Math.Max(order[from], order[to]); i++)
                {
                    if (kernelOf.ContainsKey(graph.Nodes[i].Name)) nodes.Add(graph.Nodes[i].Name);
                }
            }
            var ks = nodes.Select(n => kernelOf[n]).Distinct().Order().ToList();
            var role = ks.Count == 0 ? LayerRole.NoNode : ks.All(k => kernels[k].IsFree) ? LayerRole.Free : LayerRole.Matched;
            matches.Add(new LayerMatch(layer, role, role == LayerRole.Matched ? ks.Where(k => !kernels[k].IsFree).ToList() : []));
        }
        return new LayerMatchResult(matches, Groups(matches, kernels.Count));
    }

    /// <summary>Connected components of the layer–kernel graph (union–find over kernels), in kernel order.</summary>
    private static List<KernelGroup> Groups(List<LayerMatch> matches, int kernelCount)
    {
        var parent = Enumerable.Range(0, kernelCount).ToArray();
        int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        foreach (var m in matches.Where(m => m.Role == LayerRole.Matched))
        {
            foreach (var k in m.Kernels.Skip(1)) parent[Find(k)] = Find(m.Kernels[0]);
        }
        var layersOf = new Dictionary<int, List<int>>();
        for (var i = 0; i < matches.Count; i++)
        {
            if (matches[i].Role != LayerRole.Matched) continue;
            var root = Find(matches[i].Kernels[0]);
            if (!layersOf.TryGetValue(root, out var list)) layersOf[root] = list = [];
            list.Add(i);
        }
        var kernelsOf = matches.Where(m => m.Role == LayerRole.Matched).SelectMany(m => m.Kernels).Distinct().Order()
            .GroupBy(Find).ToDictionary(g => g.Key, g => g.ToList());
        return layersOf
            .Select(g => new KernelGroup(kernelsOf[g.Key], g.Value, g.Value.Sum(i => matches[i].Layer.Seconds)))
            .OrderBy(g => g.Kernels[0])
            .ToList();
    }
}
