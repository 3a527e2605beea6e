namespace OnnxCoDesign.Passes.Cost;

/// <summary>
/// Per-node costs and model totals.
/// <list type="bullet">
/// <item><see cref="Intensity"/>: total FLOPs over total node traffic (roofline intensity).</item>
/// <item><see cref="PaperIntensity"/>: the seed's Table II form, FLOPs over (all initializer bytes + every
/// node output's bytes, each tensor once).</item>
/// </list>
/// </summary>
public sealed record CostReport(
    IReadOnlyList<NodeCost> Nodes,
    long Flops,
    long Macs,
    long Bytes,
    long WeightBytes,
    long ActivationBytes,
    long Parameters,
    IReadOnlyList<NodeCost> UnknownNodes,
    IReadOnlyList<OperatorSummary> Operators)
{
    public double Intensity => Bytes > 0 ? (double)Flops / Bytes : 0;

    public double PaperIntensity => WeightBytes + ActivationBytes > 0 ? (double)Flops / (WeightBytes + ActivationBytes) : 0;

    /// <summary>True when some node's cost is unknown, so <see cref="Flops"/> is a lower bound.</summary>
    public bool IsPartial => UnknownNodes.Count > 0;
}
