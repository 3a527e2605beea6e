namespace OnnxCoDesign.Passes.Cost;

/// <summary>
/// The cost of one node by DESIGN.md's conventions. <see cref="Flops"/> is null when the operator is
/// unknown or a shape it needs is unknown: an unknown cost is never reported as zero.
/// </summary>
public sealed record NodeCost(
    string Node,
    string OpType,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<string> Shapes,
    long? Flops,
    long? Macs,
    long BytesRead,
    long BytesWritten)
{
    public long Bytes => BytesRead + BytesWritten;

    public bool IsKnown => Flops is not null;

    /// <summary>FLOPs per byte of traffic; null when unknown or when the node moves no bytes.</summary>
    public double? Intensity => Flops is { } f && Bytes > 0 ? (double)f / Bytes : null;
}
