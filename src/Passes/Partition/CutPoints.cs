using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Partition;

/// <summary>
/// The candidate cuts of a graph along its topological order (DESIGN.md, "Cuts and extraction").
/// <para>
/// Definitions. With n nodes, a cut after position i (0 ≤ i &lt; n−1) splits nodes [0..i] | [i+1..n−1].
/// A tensor crosses cut i when it is produced before the cut (by a node at position ≤ i, or it is a graph
/// runtime input) and needed after it (read by a node at position &gt; i, or it is a graph output: the
/// results must reach the end of the pipeline, as if a sink after the last node read them). Initializers
/// never cross: each part carries its own copies. Outputs of input-free Constant nodes do not cross either
/// (see <see cref="CarriedConstants"/>). A cut that would split an atomic group (node names the caller wants
/// on one side, e.g. a RepVGG block) is not a candidate.
/// </para>
/// <para>
/// Each tensor therefore crosses a contiguous range of cuts, [max(birth, 0), lastUse − 1], where birth is
/// the producer's position (−1 for a graph input) and lastUse the last reader's position (n for a graph
/// output). Building the ranges, the per-cut counts and bytes is one O(n + edges) pass with difference
/// arrays; <see cref="All"/> sweeps the cuts keeping the live set, so listing every cut costs the size of
/// the answer, not O(n²) recomputation.
/// </para>
/// </summary>
public sealed class CutPoints
{
    private readonly IReadOnlyList<GraphNode> _nodes;
    private readonly CrossingTensor[] _tensors;
    private readonly int[] _first;   // first cut each tensor crosses (tensors are in nondecreasing order of it)
    private readonly int[] _last;    // last cut each tensor crosses; < _first when it never crosses
    private readonly int[] _count;
    private readonly long[] _knownBytes;
    private readonly int[] _unknownSizes;
    private readonly bool[] _splitsGroup;
    private readonly int[] _candidates;

    private CutPoints(IReadOnlyList<GraphNode> nodes, List<CrossingTensor> tensors, List<int> first, List<int> last, bool[] splitsGroup)
    {
        _nodes = nodes;
        _tensors = tensors.ToArray();
        _first = first.ToArray();
        _last = last.ToArray();
        _splitsGroup = splitsGroup;
        var positions = splitsGroup.Length;

        // Difference arrays: +1 where a tensor starts crossing, −1 after the last cut it crosses.
        var count = new int[positions + 1];
        var bytes = new long[positions + 1];
        var unknown = new int[positions + 1];
        for (var t = 0; t < _tensors.Length; t++)
        {
            if (_last[t] < _first[t]) continue;
            var size = _tensors[t].Bytes;
            count[_first[t]]++;
            count[_last[t] + 1]--;
            if (size is { } b)
            {
                bytes[_first[t]] = CrossingSum(bytes[_first[t]], b);
                bytes[_last[t] + 1] = CrossingSum(bytes[_last[t] + 1], -b);
            }
            else
            {
                unknown[_first[t]]++;
                unknown[_last[t] + 1]--;
            }
        }
        for (var i = 1; i <= positions; i++)
        {
            count[i] += count[i - 1];
            bytes[i] = CrossingSum(bytes[i], bytes[i - 1]);
            unknown[i] += unknown[i - 1];
        }
        _count = count;
        _knownBytes = bytes;
        _unknownSizes = unknown;
        _candidates = Enumerable.Range(0, positions).Where(i => !splitsGroup[i]).ToArray();
    }

    /// <param name="graph">The graph; its node order is the order cuts are positions in.</param>
    /// <param name="shapes">Types for the crossing tensors' bytes; without it every size is unknown.</param>
    /// <param name="atomicGroups">Sets of node names that must stay on one side of every cut.</param>
    /// <exception cref="ArgumentException">A group names a node the graph does not have.</exception>
    public static CutPoints Of(ModelGraph graph, ShapeInferenceResult? shapes = null, IEnumerable<IEnumerable<string>>? atomicGroups = null)
    {
        var nodes = graph.Nodes;
        var n = nodes.Count;
        var tensors = new List<CrossingTensor>();
        var first = new List<int>();
        var last = new List<int>();
        var graphOutputs = CarriedConstants.OutputNames(graph);

        void Add(string name, int birth, GraphNode? producer)
        {
            var isOutput = graphOutputs.Contains(name);
            var lastUse = isOutput ? n : -1;
            foreach (var (reader, _) in graph.ConsumersOf(name)) lastUse = Math.Max(lastUse, reader.Order);
            tensors.Add(new CrossingTensor(name, producer?.Name, shapes?.TypeOf(name), isOutput));
            first.Add(Math.Max(birth, 0));
            last.Add(Math.Min(lastUse - 1, n - 2));
        }

        foreach (var input in graph.Inputs) Add(input.Name, -1, null);
        var seen = new HashSet<string>(graph.Inputs.Select(i => i.Name), StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (CarriedConstants.IsCarried(node, graphOutputs)) continue;
            foreach (var output in node.Outputs)
            {
                // A name assigned twice is the verifier's error; count it once, at its first producer.
                if (output.Length == 0 || graph.IsInitializer(output) || !seen.Add(output)) continue;
                Add(output, node.Order, node);
            }
        }
        return new CutPoints(nodes, tensors, first, last, GroupSplits(nodes, atomicGroups));
    }

    /// <summary>Number of nodes; the positions are 0 … NodeCount − 2.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>Number of cut positions (NodeCount − 1, or 0 for a graph of fewer than two nodes).</summary>
    public int PositionCount => _splitsGroup.Length;

    /// <summary>Positions that split no atomic group, ascending.</summary>
    public IReadOnlyList<int> Candidates => _candidates;

    public bool IsCandidate(int position) => !_splitsGroup[Check(position)];

    /// <summary>How many tensors cross the cut after <paramref name="position"/>.</summary>
    public int CrossingCount(int position) => _count[Check(position)];

    /// <summary>Σ bytes crossing the cut; null when some crossing tensor's size is unknown.</summary>
    public long? CrossingBytes(int position) => _unknownSizes[Check(position)] > 0 ? null : _knownBytes[position];

    /// <summary>The tensors crossing the cut after <paramref name="position"/> (one scan of the ranges).</summary>
    public IReadOnlyList<CrossingTensor> Crossing(int position)
    {
        Check(position);
        var result = new List<CrossingTensor>(_count[position]);
        for (var t = 0; t < _tensors.Length && _first[t] <= position; t++)
        {
            if (_last[t] >= position) result.Add(_tensors[t]);
        }
        return result;
    }

    /// <summary>The cut after <paramref name="position"/>, candidate or not.</summary>
    public Cut At(int position) => new(position, _nodes[Check(position)].Name, Crossing(position));

    /// <summary>
    /// Every cut in position order (only candidates unless <paramref name="includeNonCandidates"/>), from one
    /// sweep that keeps the live set: a tensor joins at the first cut it crosses and leaves after its last.
    /// </summary>
    public IEnumerable<Cut> All(bool includeNonCandidates = false)
    {
        var positions = PositionCount;
        var leaving = new List<int>?[positions];
        for (var t = 0; t < _tensors.Length; t++)
        {
            if (_last[t] >= _first[t]) (leaving[_last[t]] ??= new List<int>()).Add(t);
        }
        // Tensors enter in index order, so the linked list stays in index order: inputs, then by producer.
        var live = new LinkedList<CrossingTensor>();
        var handles = new LinkedListNode<CrossingTensor>?[_tensors.Length];
        var next = 0;
        for (var i = 0; i < positions; i++)
        {
            for (; next < _tensors.Length && _first[next] <= i; next++)
            {
                if (_last[next] >= _first[next]) handles[next] = live.AddLast(_tensors[next]);
            }
            if (includeNonCandidates || !_splitsGroup[i]) yield return new Cut(i, _nodes[i].Name, live.ToArray());
            foreach (var t in leaving[i] ?? Enumerable.Empty<int>()) live.Remove(handles[t]!);
        }
    }

    /// <summary>Every partial sum is bounded by the bytes of all tensors together; past int64 is OCD1307.</summary>
    private static long CrossingSum(long a, long b) => CheckedArithmetic.Add(a, b, "the bytes of the tensors crossing a cut", null);

    private int Check(int position)
    {
        if (position < 0 || position >= PositionCount)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, $"a cut position must be in 0..{PositionCount - 1} (the graph has {NodeCount} nodes)");
        }
        return position;
    }

    /// <summary>For each position, whether the cut there separates two nodes of one atomic group.</summary>
    private static bool[] GroupSplits(IReadOnlyList<GraphNode> nodes, IEnumerable<IEnumerable<string>>? groups)
    {
        var positions = Math.Max(nodes.Count - 1, 0);
        var diff = new int[positions + 1];
        if (groups is not null)
        {
            var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                if (!byName.TryGetValue(node.Name, out var list)) byName[node.Name] = list = new List<int>();
                list.Add(node.Order);
            }
            foreach (var group in groups)
            {
                int lo = int.MaxValue, hi = int.MinValue;
                foreach (var name in group)
                {
                    if (!byName.TryGetValue(name, out var orders))
                    {
                        throw new ArgumentException($"atomic group names node '{name}', which the graph does not have", nameof(groups));
                    }
                    foreach (var o in orders)
                    {
                        lo = Math.Min(lo, o);
                        hi = Math.Max(hi, o);
                    }
                }
                // Cuts lo .. hi−1 would put part of the group on each side.
                if (lo >= hi) continue;
                diff[lo]++;
                diff[hi]--;
            }
        }
        var result = new bool[positions];
        var open = 0;
        for (var i = 0; i < positions; i++)
        {
            open += diff[i];
            result[i] = open > 0;
        }
        return result;
    }
}
