namespace OnnxCoDesign.Passes.Quantization;

/// <summary>Sites limited to some nodes: one part of a plan, or one unit of a sensitivity table, lowered while the rest stays fp32.</summary>
public static class QdqSiteFilter
{
    /// <summary>
    /// The sites whose readers are among <paramref name="nodes"/> (node identities); all of them when null. An
    /// activation keeps only the readers inside, and is dropped when none is; a weight goes with its node.
    /// </summary>
    public static QdqSites Restrict(this QdqSites sites, IReadOnlySet<string>? nodes)
    {
        if (nodes is null) return sites;
        var activations = sites.Activations
            .Select(a => a with { Readers = a.Readers.Where(r => nodes.Contains(r.Node)).ToList() })
            .Where(a => a.Readers.Count > 0).ToList();
        var weights = sites.Weights.Where(w => nodes.Contains(w.Node)).ToList();
        return sites with { Activations = activations, Weights = weights };
    }
}
