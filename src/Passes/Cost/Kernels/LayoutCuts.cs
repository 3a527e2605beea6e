using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Cost;

/// <summary>
/// <see cref="LayoutReorders"/> of a graph cut into consecutive units, for the planner: the whole graph's reorders,
/// and for each interior boundary c what the side before it and the side after it, each run as a model of its own,
/// pay beyond the whole graph's reorders charged to their units — without analysing each side whole.
/// <para>Before c: the side's layouts are the whole graph's (layouts only flow forward from the inputs), so it adds
/// one ReorderOutput for each blocked tensor crossing c that the whole graph never reorders. After c: the crossing
/// tensors arrive plain; the analysis follows the change forward from them (a residual Add turned plain turns its
/// output plain …) and stops where layouts agree with the whole graph's again. A tensor's reorders depend only on
/// its layout and on how its readers run, so only the tensors that cascade touches can differ.</para>
/// </summary>
public sealed class LayoutCuts
{
    private readonly ModelGraph _graph;
    private readonly ShapeInferenceResult _shapes;
    private readonly int _block;
    private readonly Func<string, int> _unitOf;
    private readonly Dictionary<string, LayoutReorders.Run> _run = new(StringComparer.Ordinal);
    private readonly HashSet<string> _blocked = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Op, string Tensor), Kernel> _whole = new();
    private readonly Dictionary<int, List<string>> _crossing = new();

    /// <param name="unitOf">The unit of each node; units are consecutive in topological order.</param>
    public LayoutCuts(ModelGraph graph, ShapeInferenceResult shapes, int block, Func<string, int> unitOf)
    {
        _graph = graph;
        _shapes = shapes;
        _block = block;
        _unitOf = unitOf;
        Whole = LayoutReorders.Of(graph, shapes, graph.Nodes, block);
        foreach (var k in Whole) _whole[(k.OpType, k.Name[(k.OpType.Length + 1)..^1])] = k;
        foreach (var node in graph.Nodes)
        {
            var run = LayoutReorders.Decide(graph, shapes, node, block, _blocked.Contains);
            _run[node.Name] = run;
            if (run != LayoutReorders.Run.Plain) _blocked.Add(node.Outputs[0]);
        }
        var produced = graph.Nodes.SelectMany(n => n.Outputs.Where(o => o.Length > 0).Select(o => (Tensor: o, Unit: unitOf(n.Name))));
        var inputs = graph.Inputs.Where(i => !graph.IsInitializer(i.Name)).Select(i => (Tensor: i.Name, Unit: -1));
        foreach (var (tensor, unit) in inputs.Concat(produced))
        {
            var readers = graph.ConsumersOf(tensor);
            if (readers.Count == 0) continue;
            var last = readers.Max(r => unitOf(r.Node.Name));
            for (var c = Math.Max(unit, 0); c < last; c++) (_crossing.TryGetValue(c, out var list) ? list : _crossing[c] = []).Add(tensor);
        }
    }

    /// <summary>The whole graph's reorders, each charged (its one node) to the node it belongs to.</summary>
    public IReadOnlyList<Kernel> Whole { get; }

    private IReadOnlyList<string> Crossing(int c) => _crossing.TryGetValue(c, out var list) ? list : [];

    /// <summary>What the side up to boundary c adds: a ReorderOutput of each blocked crossing tensor the whole graph keeps blocked.</summary>
    public IReadOnlyList<Kernel> Before(int c) =>
        Crossing(c).Where(t => _blocked.Contains(t) && !_whole.ContainsKey((LayoutReorders.ToPlain, t)))
            .Select((t, i) => LayoutReorders.Reorder(_shapes, i, LayoutReorders.ToPlain, t, _graph.ProducerOf(t)!.Name, computedInside: true)).ToList();

    /// <summary>
    /// What the side after boundary c pays that the whole graph's reorders charged to its units do not (<c>Added</c>),
    /// and those it does not pay (<c>Removed</c>).
    /// </summary>
    public (IReadOnlyList<Kernel> Added, IReadOnlyList<Kernel> Removed) After(int c)
    {
        bool Inside(GraphNode n) => _unitOf(n.Name) > c;
        var status = new Dictionary<string, bool>(StringComparer.Ordinal);
        var runs = new Dictionary<string, LayoutReorders.Run>(StringComparer.Ordinal);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var queue = new SortedSet<GraphNode>(Comparer<GraphNode>.Create((a, b) => a.Order.CompareTo(b.Order)));
        bool Blocked(string t) => status.TryGetValue(t, out var s) ? s : _blocked.Contains(t);
        void Enqueue(string t)
        {
            foreach (var (reader, _) in _graph.ConsumersOf(t)) if (Inside(reader)) queue.Add(reader);
        }
        foreach (var t in Crossing(c))
        {
            status[t] = false;
            touched.Add(t);
            Enqueue(t);
        }
        while (queue.Count > 0)
        {
            var node = queue.Min!;
            queue.Remove(node);
            var run = LayoutReorders.Decide(_graph, _shapes, node, _block, Blocked);
            if (run != _run[node.Name])
            {
                runs[node.Name] = run;
                touched.UnionWith(LayoutReorders.Data(_graph, node));
            }
            if (node.Outputs.Count != 1) continue;
            var output = node.Outputs[0];
            var blocked = run != LayoutReorders.Run.Plain;
            if (blocked == _blocked.Contains(output)) continue;
            status[output] = blocked;
            touched.Add(output);
            Enqueue(output);
        }
        var added = new List<Kernel>();
        var removed = new List<Kernel>();
        foreach (var t in touched.Order(StringComparer.Ordinal))
        {
            foreach (var op in new[] { LayoutReorders.ToBlocked, LayoutReorders.ToPlain })
            {
                var after = Needs(op, t, Blocked(t), n => runs.TryGetValue(n, out var r) ? r : _run[n], Inside);
                var charged = _whole.TryGetValue((op, t), out var k) && _unitOf(k.Nodes[0]) > c ? k : null;
                // A tensor computed before c is this side's input: read from memory, where the whole graph read it from cache.
                var computedInside = _graph.ProducerOf(t) is { } producer && Inside(producer);
                if (after && charged is not null && charged.BytesFromCache > 0 != computedInside)
                {
                    removed.Add(charged);
                    charged = null;
                }
                if (after && charged is null)
                {
                    added.Add(LayoutReorders.Reorder(_shapes, added.Count, op, t, _graph.ConsumersOf(t).First(r => Inside(r.Node)).Node.Name, computedInside));
                }
                if (!after && charged is not null) removed.Add(charged);
            }
        }
        return (added, removed);
    }

    /// <summary>Whether a set of nodes (<paramref name="inside"/>) run as a model of its own converts <paramref name="tensor"/> by <paramref name="op"/>.</summary>
    private bool Needs(string op, string tensor, bool blocked, Func<string, LayoutReorders.Run> runOf, Func<GraphNode, bool> inside)
    {
        var readers = _graph.ConsumersOf(tensor).Select(r => r.Node).DistinctBy(n => n.Name).ToList();
        if (op == LayoutReorders.ToBlocked)
        {
            return !blocked && readers.Any(r => inside(r) && runOf(r.Name) == LayoutReorders.Run.BlockedConv && r.Input(0) == tensor);
        }
        return blocked && (_graph.IsGraphOutput(tensor) || readers.Any(r => !inside(r))
            || readers.Any(r => inside(r) && runOf(r.Name) == LayoutReorders.Run.Plain && LayoutReorders.Data(_graph, r).Contains(tensor)));
    }
}
