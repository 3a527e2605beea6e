namespace OnnxCoDesign.Passes.Partition;

/// <summary>
/// A cut after position <paramref name="Position"/> of the topological order: nodes [0..Position] run
/// before it, nodes [Position+1..n−1] after it, and <paramref name="Tensors"/> cross between them.
/// </summary>
/// <param name="After">The name of the last node before the cut.</param>
/// <param name="Tensors">The crossing tensors, graph inputs first, then by producing node and output slot.</param>
public sealed record Cut(int Position, string After, IReadOnlyList<CrossingTensor> Tensors)
{
    /// <summary>Σ bytes of the crossing tensors; null when any of them has no known size.</summary>
    public long? Bytes => Tensors.Aggregate((long?)0, (sum, t) => checked(sum + t.Bytes));
}
