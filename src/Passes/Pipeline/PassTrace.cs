namespace OnnxCoDesign.Passes.Pipeline;

/// <summary>
/// How many times each pass and each analysis ran under one context: "fold-bn", "fuse-branches",
/// "match-repvgg", "shape-inference", "cost-analysis", "verify-graph". Passes run on one thread, as does
/// everything that counts here.
/// </summary>
public sealed class PassTrace
{
    public const string MatchRepVgg = "match-repvgg";
    public const string ShapeInference = "shape-inference";
    public const string CostAnalysis = "cost-analysis";
    public const string VerifyGraph = "verify-graph";

    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Count(string name) => _counts[name] = _counts.GetValueOrDefault(name) + 1;

    public int this[string name] => _counts.GetValueOrDefault(name);

    /// <summary>Every count, by name in ordinal order.</summary>
    public IReadOnlyList<(string Name, int Count)> Counts =>
        _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)).ToList();

    public override string ToString() => string.Join(", ", Counts.Select(c => $"{c.Name} {c.Count}"));
}
