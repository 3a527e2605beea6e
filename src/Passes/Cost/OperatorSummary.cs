namespace OnnxCoDesign.Passes.Cost;

/// <summary>Totals for one operator type across the model.</summary>
public sealed record OperatorSummary(string OpType, int Count, long Flops, long Bytes, int UnknownCount);
