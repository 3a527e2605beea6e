namespace OnnxCoDesign.Samples;

/// <summary>How a conv followed by batch norm appears in an exported model.</summary>
public enum BatchNormForm
{
    /// <summary>Conv without bias, then a BatchNormalization node (eval-mode export, no constant folding).</summary>
    Separate,

    /// <summary>One conv with bias, BN folded in (export with constant folding, as torchvision models usually ship).</summary>
    Folded,
}

public static class ConvBnLayers
{
    /// <summary>
    /// Conv (bias-free, as PyTorch defines convs before BN) + BN, emitted in <paramref name="form"/>. The same
    /// parameters are drawn in the same order in both forms, so both forms compute the same function.
    /// </summary>
    public static FeatureMap ConvBn(this CnnLayers l, FeatureMap x, ConvSpec spec, BatchNormForm form,
        string? convName = null, string? bnName = null, double gain = 1.0)
    {
        var dims = spec.WeightDims(x.Channels);
        var w = l.Weights.ConvWeight(dims[0], dims[1], dims[2], dims[3], gain);
        var bn = l.Weights.BatchNorm(spec.OutChannels);
        if (form == BatchNormForm.Separate) return l.BatchNorm(l.Conv(x, spec, w, null, convName), bn, bnName);
        var (fw, fb) = bn.FoldInto(w, null);
        return l.Conv(x, spec, fw, fb, convName);
    }
}
