using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>
/// The seed's four fusion strategies for a RepVGG block (the k×k branch is always kept, BN always folded):
/// S1 only the fused k×k; S2 k×k + identity; S3 k×k + 1×1; S4 all three branches kept.
/// </summary>
public enum FusionStrategy { S1 = 1, S2 = 2, S3 = 3, S4 = 4 }

public static class FusionStrategies
{
    public static bool KeepsIdentity(this FusionStrategy s) => s is FusionStrategy.S2 or FusionStrategy.S4;

    public static bool KeepsOneByOne(this FusionStrategy s) => s is FusionStrategy.S3 or FusionStrategy.S4;

    /// <summary>Branches fused away in a block with the given branches: the seed's accuracy prior counts these.</summary>
    public static int BranchesFused(this FusionStrategy s, bool hasOneByOne, bool hasIdentity) =>
        (hasOneByOne && !s.KeepsOneByOne() ? 1 : 0) + (hasIdentity && !s.KeepsIdentity() ? 1 : 0);

    /// <summary>The one text form of a list of strategies: "S1,S2".</summary>
    public static string Names(IEnumerable<FusionStrategy> strategies, string separator = ",") => string.Join(separator, strategies);

    /// <summary>The strategy's position in per-strategy tables (S1 → 0 … S4 → 3); refuses a value that is no strategy.</summary>
    public static int Index(this FusionStrategy s) => s is >= FusionStrategy.S1 and <= FusionStrategy.S4
        ? (int)s - 1
        : throw new ArgumentOutOfRangeException(nameof(s), s, "not a fusion strategy (S1..S4)");

    public static FusionStrategy Parse(string text) => text.Trim().ToUpperInvariant() switch
    {
        "S1" or "1" => FusionStrategy.S1,
        "S2" or "2" => FusionStrategy.S2,
        "S3" or "3" => FusionStrategy.S3,
        "S4" or "4" => FusionStrategy.S4,
        _ => throw new CodesignException(ErrorCodes.UsageError, $"strategy '{text}' is not one of S1, S2, S3, S4"),
    };
}
