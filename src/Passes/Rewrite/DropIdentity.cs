using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;

namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>
/// Pass <c>drop-identity</c>: removes Identity nodes, which converters (tf2onnx, exports without constant
/// folding) leave between layers; every reader of the Identity's output reads its input instead.
/// <code>
/// Before:  y = Identity(x);  z = Relu(y)
/// After:   z = Relu(x)
/// </code>
/// Exact: Identity copies its input. Left alone, with the reason: an Identity whose output is a graph output
/// (the model's interface keeps its names), and one whose output a subgraph (If, Loop, Scan body) reads from
/// the enclosing graph (renaming inside bodies is not this pass's business).
/// </summary>
public sealed class DropIdentity : IGraphPass
{
    public const string Name = "drop-identity";

    string IGraphPass.Name => Name;

    public IReadOnlyList<string> TargetOps { get; } = ["Identity"];

    PassResult IGraphPass.Run(ModelGraph graph, PassContext context) => Run(graph);

    public static PassResult Run(ModelGraph graph)
    {
        var drop = new List<GraphNode>();
        var leftAlone = new List<LeftAlone>();
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Identity" && n.Domain.Length == 0))
        {
            var reason = WhyKept(graph, node);
            if (reason is null) drop.Add(node);
            else leftAlone.Add(new LeftAlone(node.Name, reason));
        }

        // Everything is matched before the first edit. In topological order, an Identity reading another's
        // output is rewired first, so each one's input is already the name that stays when it goes.
        var rewrites = new List<Rewrite>();
        foreach (var node in drop)
        {
            var (input, output) = (node.Proto.Input[0], node.Proto.Output[0]);
            // Every reader reads it through an input slot: WhyKept left alone those a subgraph reads.
            foreach (var (reader, slot) in graph.ConsumersOf(output)) reader.Proto.Input[slot] = input;
            rewrites.Add(new Rewrite(node.Name, $"readers of '{output}' read '{input}'"));
        }
        if (rewrites.Count == 0) return new PassResult(Name, rewrites, leftAlone);

        var edit = new GraphEdit(graph);
        edit.Replace(drop.Select(n => n.Proto).ToList(), Array.Empty<NodeProto>());
        edit.RemoveUnreferenced();
        graph.Refresh();
        return new PassResult(Name, rewrites, leftAlone);
    }

    /// <summary>Pure: why <paramref name="node"/> must stay, or null when it can go.</summary>
    private static string? WhyKept(ModelGraph graph, GraphNode node)
    {
        var output = node.Proto.Output[0];
        if (graph.IsGraphOutput(output)) return $"its output '{output}' is a graph output";
        if (graph.ConsumersOf(output).Any(c => c.Slot < 0)) return $"a subgraph reads its output '{output}'";
        return null;
    }
}
