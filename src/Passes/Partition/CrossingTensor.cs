using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Partition;

/// <summary>
/// A tensor that crosses a cut: produced before it (by a node at or before the cut position, or a graph
/// runtime input) and needed after it (read by a later node, or a graph output, which the sink after the
/// last part reads).
/// </summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Producer">The producing node's name; null for a graph runtime input.</param>
/// <param name="Type">Element type and shape from shape inference; null when none was given or known.</param>
/// <param name="IsGraphOutput">Whether the tensor is a result of the whole model.</param>
public sealed record CrossingTensor(string Name, string? Producer, TensorInfo? Type, bool IsGraphOutput)
{
    /// <summary>Bytes sent over the link per inference; null when the shape or element size is not known.</summary>
    public long? Bytes => Type?.Bytes;

    public override string ToString() => Type is null ? Name : $"{Name} {Type}";
}
