using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes;

/// <summary>The analysis shape inference produces: a type for every tensor it could type, folded values,
/// and the nodes whose operator it does not know.</summary>
public sealed class ShapeInferenceResult
{
    public Dictionary<string, TensorInfo> Types { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ConstValue> Constants { get; } = new(StringComparer.Ordinal);

    /// <summary>Nodes with no shape rule, in topological order.</summary>
    public List<GraphNode> UnknownNodes { get; } = new();

    public DiagnosticBag Diagnostics { get; } = new();

    /// <summary>Value of each symbolic dimension (dim_param) after binding.</summary>
    public Dictionary<string, long> Symbols { get; } = new(StringComparer.Ordinal);

    public TensorInfo? TypeOf(string tensor) => Types.GetValueOrDefault(tensor);

    public bool IsUnknown(GraphNode node) => UnknownNodes.Contains(node);

    internal GraphNode? UnknownProducerOf(string tensor) =>
        UnknownNodes.FirstOrDefault(n => n.Outputs.Contains(tensor));
}
