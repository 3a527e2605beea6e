namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>One rewrite a pass made: where (a node or block name) and what it became.</summary>
public sealed record Rewrite(string Anchor, string Detail);

/// <summary>A match a pass declined, and why: the graph there is exactly as it was.</summary>
public sealed record LeftAlone(string Anchor, string Reason);

/// <summary>What a pass changed. Passes return this rather than a bare flag.</summary>
public record PassResult(string Pass, IReadOnlyList<Rewrite> Rewrites, IReadOnlyList<LeftAlone> LeftAlone);
