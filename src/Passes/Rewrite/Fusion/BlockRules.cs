using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>
/// The preconditions under which a block's branches fold exactly into one k×k conv: one k×k conv (k odd,
/// padded k/2 on every side), at most one 1×1 conv (unpadded) and at most one identity; the same stride,
/// groups and output channels; no dilation; the identity only where input and output channels agree at
/// stride 1; every intermediate tensor used by the block alone.
/// </summary>
internal static class BlockRules
{
    public static RepVggMatcher.Outcome Check(ModelGraph graph, GraphNode root, string name, string input, List<GraphNode> tree, List<Branch> branches)
    {
        RepVggMatcher.Outcome No(string reason) => new(root, null, reason);
        if (branches.Count > 3) return No($"{branches.Count} branches; a RepVGG block has at most three");

        var convs = new List<(Branch Branch, long Kernel, long Stride, long Groups, long OutChannels, long InPerGroup)>();
        foreach (var b in branches.Where(b => b.Conv is not null))
        {
            var (geometry, why) = Geometry(graph, b.Conv!);
            if (geometry is null) return No(why!);
            convs.Add((b, geometry.Value.Kernel, geometry.Value.Stride, geometry.Value.Groups, geometry.Value.Out, geometry.Value.InPerGroup));
        }
        var mains = convs.Where(c => c.Kernel > 1).ToList();
        if (mains.Count != 1) return No(mains.Count == 0 ? "no k×k conv branch" : "more than one k×k conv branch");
        var main = mains[0];
        if (main.Kernel % 2 == 0) return No($"{main.Kernel}×{main.Kernel} kernel has no centre");
        var ones = convs.Where(c => c.Kernel == 1).ToList();
        if (ones.Count > 1) return No("more than one 1×1 conv branch");
        var identities = branches.Where(b => b.Conv is null).ToList();
        if (identities.Count > 1) return No("more than one identity branch");
        if (convs.Any(c => c.Stride != main.Stride || c.Groups != main.Groups || c.OutChannels != main.OutChannels))
        {
            return No("branches differ in stride, groups or output channels");
        }
        if (!HasPads(main.Branch.Conv!, (main.Kernel - 1) / 2)) return No($"the {main.Kernel}×{main.Kernel} conv is not padded {(main.Kernel - 1) / 2} on every side");
        if (ones.Count == 1 && !HasPads(ones[0].Branch.Conv!, 0)) return No("the 1×1 conv is padded");
        var inChannels = main.InPerGroup * main.Groups;
        if (identities.Count == 1 && (main.Stride != 1 || inChannels != main.OutChannels))
        {
            return No("an identity branch needs stride 1 and as many input as output channels");
        }
        var shared = SharedIntermediate(graph, tree, branches, root);
        if (shared is not null) return No($"branch output '{shared}' is used outside the block");

        var block = new RepVggBlock(name, input, root.Outputs[0], tree,
            main.Branch with { Kind = BranchKind.Main },
            ones.Count == 1 ? ones[0].Branch with { Kind = BranchKind.OneByOne } : null,
            identities.Count == 1 ? identities[0] : null,
            main.Kernel, main.Stride, main.Groups, main.OutChannels, main.InPerGroup);
        return new RepVggMatcher.Outcome(root, block, null);
    }

    private readonly record struct ConvGeometry(long Kernel, long Stride, long Groups, long Out, long InPerGroup);

    private static (ConvGeometry? Geometry, string? Reason) Geometry(ModelGraph graph, GraphNode conv)
    {
        var w = conv.Input(1) is { } wn && !graph.IsRuntimeInput(wn) ? graph.ConstantOf(wn) : null;
        if (w is null) return (null, $"conv '{conv.Name}' has no constant weight");
        if (w.Dims.Count != 4) return (null, $"conv '{conv.Name}' is not 2-D");
        if (w.Dims[2] != w.Dims[3]) return (null, $"conv '{conv.Name}' has a non-square kernel");
        if (conv.Proto.GetString("auto_pad", "NOTSET") is not ("NOTSET" or "")) return (null, $"conv '{conv.Name}' uses auto_pad");
        if ((conv.Proto.GetInts("dilations") ?? [1, 1]).Any(d => d != 1)) return (null, $"conv '{conv.Name}' is dilated");
        var strides = conv.Proto.GetInts("strides") ?? [1, 1];
        if (strides.Length != 2 || strides[0] != strides[1]) return (null, $"conv '{conv.Name}' has unequal strides");
        return (new ConvGeometry(w.Dims[2], strides[0], conv.Proto.GetInt("group", 1), w.Dims[0], w.Dims[1]), null);
    }

    private static bool HasPads(GraphNode conv, long pad) => (conv.Proto.GetInts("pads") ?? [0, 0, 0, 0]).All(p => p == pad);

    /// <summary>The first tensor inside the block that something outside it reads (or that is a graph output).</summary>
    private static string? SharedIntermediate(ModelGraph graph, List<GraphNode> tree, List<Branch> branches, GraphNode root)
    {
        var inside = new HashSet<GraphNode>(tree.Concat(branches.SelectMany(b => b.Nodes)));
        foreach (var node in inside.Where(n => n != root))
        {
            foreach (var output in node.Outputs.Where(o => o.Length > 0))
            {
                if (graph.IsGraphOutput(output) || graph.ConsumersOf(output).Any(c => !inside.Contains(c.Node))) return output;
            }
        }
        return null;
    }
}
