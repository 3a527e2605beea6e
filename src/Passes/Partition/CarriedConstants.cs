using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Partition;

/// <summary>
/// A carried constant is the output of an input-free <c>Constant</c> node that is not a graph output. Like
/// an initializer it never crosses a cut: every part that reads it carries its own copy of the node, which
/// costs a few bytes of model instead of a transfer per inference. (A constant that is a graph output is an
/// ordinary tensor: it must reach the end of the pipeline.)
/// </summary>
internal static class CarriedConstants
{
    public static bool IsCarried(GraphNode node, IReadOnlySet<string> graphOutputs) =>
        node.OpType == "Constant" && node.Domain.Length == 0 && node.Inputs.All(i => i.Length == 0)
        && node.ImplicitInputs.Count == 0 && !node.Outputs.Any(graphOutputs.Contains);

    /// <summary>The graph's output names, for <see cref="IsCarried"/> and other constant-time lookups.</summary>
    public static HashSet<string> OutputNames(ModelGraph graph) => graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
}
