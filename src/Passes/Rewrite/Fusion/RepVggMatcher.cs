using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>
/// Finds RepVGG blocks as real exports show them: an Add tree in any order (Add(Add(a, b), c), or Sum) whose
/// leaves are branches of one input. Pure: it reads the graph and never edits it. A tree whose leaves are
/// not branches of one input is no block (a ResNet shortcut, say) and is skipped silently; a block that
/// fails a precondition comes back with the reason.
/// </summary>
public static class RepVggMatcher
{
    public sealed record Outcome(GraphNode Root, RepVggBlock? Block, string? Reason);

    public static IReadOnlyList<Outcome> FindAll(ModelGraph graph)
    {
        var result = new List<Outcome>();
        foreach (var root in graph.Nodes.Where(n => IsSum(n) && !IsInsideTree(graph, n)))
        {
            var (tree, leaves) = Expand(graph, root);
            var outcome = Classify(graph, root, tree, leaves);
            if (outcome is not null) result.Add(outcome);
        }
        return result;
    }

    private static bool IsSum(GraphNode n) => n.Domain.Length == 0 && n.OpType is "Add" or "Sum";

    /// <summary>An Add whose only consumer is another Add/Sum belongs to that one's tree.</summary>
    private static bool IsInsideTree(ModelGraph graph, GraphNode n) =>
        !graph.IsGraphOutput(n.Outputs[0]) && graph.ConsumersOf(n.Outputs[0]) is [var (c, _)] && IsSum(c);

    private static (List<GraphNode> Tree, List<string> Leaves) Expand(ModelGraph graph, GraphNode root)
    {
        var tree = new List<GraphNode>();
        var leaves = new List<string>();
        var stack = new Stack<GraphNode>([root]);
        while (stack.TryPop(out var node))
        {
            tree.Add(node);
            foreach (var input in node.Inputs.Where(i => i.Length > 0))
            {
                var p = graph.ProducerOf(input);
                if (p is not null && IsSum(p) && IsInsideTree(graph, p)) stack.Push(p);
                else leaves.Add(input);
            }
        }
        return (tree, leaves);
    }

    private static Outcome? Classify(ModelGraph graph, GraphNode root, List<GraphNode> tree, List<string> leaves)
    {
        // Each leaf may read as a conv branch of its conv's input, or as an identity of itself or of a BN's input.
        var readings = leaves.Select(l => Readings(graph, l).ToList()).ToList();
        var inputs = readings.SelectMany(r => r).Select(r => r.Input).Distinct().ToList();
        foreach (var x in inputs)
        {
            var chosen = readings.Select(r => r.FirstOrDefault(b => b.Input == x && b.Branch.Kind != BranchKind.Identity)
                                              ?? r.FirstOrDefault(b => b.Input == x)).ToList();
            if (chosen.Any(c => c is null)) continue;
            var branches = chosen.Select(c => c!.Branch).ToList();
            if (!branches.Any(b => b.Conv is not null)) continue;
            var name = BlockName(branches, root);
            return BlockRules.Check(graph, root, name, x, tree, branches);
        }
        return null;
    }

    private sealed record Reading(string Input, Branch Branch);

    private static IEnumerable<Reading> Readings(ModelGraph graph, string leaf)
    {
        var p = graph.ProducerOf(leaf);
        if (p is { OpType: "Conv" } && p.Domain.Length == 0 && p.Input(0) is { } ci)
        {
            yield return new Reading(ci, new Branch(BranchKind.Main, p, null, leaf));
        }
        if (p is { OpType: "BatchNormalization" } && p.Domain.Length == 0 && p.Input(0) is { } bi)
        {
            var conv = graph.ProducerOf(bi);
            if (conv is { OpType: "Conv" } && conv.Domain.Length == 0 && conv.Input(0) is { } cbi)
            {
                yield return new Reading(cbi, new Branch(BranchKind.Main, conv, p, leaf));
            }
            yield return new Reading(bi, new Branch(BranchKind.Identity, null, p, leaf));
        }
        yield return new Reading(leaf, new Branch(BranchKind.Identity, null, null, leaf));
    }

    /// <summary>The module path the branches share ("stage1.0" of "stage1.0.rbr_dense.conv"), else the root's name.</summary>
    private static string BlockName(IReadOnlyList<Branch> branches, GraphNode root)
    {
        var names = branches.SelectMany(b => b.Nodes).Select(n => n.Name.Split('.')).ToList();
        if (names.Count < 2) return root.Name;
        var common = names[0].TakeWhile((part, i) => names.All(n => n.Length > i + 1 && n[i] == part)).ToList();
        return common.Count > 0 ? string.Join(".", common) : root.Name;
    }
}
