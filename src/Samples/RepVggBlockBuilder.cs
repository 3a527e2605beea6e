namespace OnnxCoDesign.Samples;

/// <summary>How a trained RepVGG block appears in an exported model.</summary>
public enum RepVggExportForm
{
    /// <summary>Conv (no bias) → BatchNormalization on both conv branches; the form of a plain eval-mode export.</summary>
    BnSeparate,

    /// <summary>BN folded into conv weights and biases (an export with constant folding); the identity stays a BN.</summary>
    BnFolded,
}

/// <summary>RepVGG blocks, named like the reference implementation's modules (rbr_dense, rbr_1x1, rbr_identity).</summary>
public static class RepVggBlockBuilder
{
    /// <summary>A training-form block with freshly generated parameters.</summary>
    public static FeatureMap Train(CnnLayers l, FeatureMap x, long outChannels, int stride = 1, int groups = 1,
        RepVggExportForm form = RepVggExportForm.BnSeparate, string? name = null, double gain = 1.0) =>
        Train(l, x, RepVggBranches.Generate(l.Weights, x.Channels, outChannels, stride, groups, gain), form, name);

    /// <summary>Relu(Add(Add(dense, 1×1), identity)), the add order PyTorch's forward produces.</summary>
    public static FeatureMap Train(CnnLayers l, FeatureMap x, RepVggBranches p, RepVggExportForm form, string? name = null)
    {
        CheckInput(x, p);
        string? scope = name is null ? null : name + ".";
        FeatureMap dense, oneByOne;
        if (form == RepVggExportForm.BnSeparate)
        {
            dense = l.BatchNorm(l.Conv(x, p.DenseSpec, p.Dense, null, Scoped(scope, "rbr_dense.conv")), p.DenseBn, Scoped(scope, "rbr_dense.bn"));
            oneByOne = l.BatchNorm(l.Conv(x, p.OneByOneSpec, p.OneByOne, null, Scoped(scope, "rbr_1x1.conv")), p.OneByOneBn, Scoped(scope, "rbr_1x1.bn"));
        }
        else
        {
            var (dw, db) = p.DenseBn.FoldInto(p.Dense, null);
            var (ow, ob) = p.OneByOneBn.FoldInto(p.OneByOne, null);
            dense = l.Conv(x, p.DenseSpec, dw, db, Scoped(scope, "rbr_dense.conv"));
            oneByOne = l.Conv(x, p.OneByOneSpec, ow, ob, Scoped(scope, "rbr_1x1.conv"));
        }
        var sum = l.Add(dense, oneByOne);
        if (p.IdentityBn is not null) sum = l.Add(sum, l.BatchNorm(x, p.IdentityBn, Scoped(scope, "rbr_identity")));
        return l.Relu(sum, Scoped(scope, "nonlinearity"));
    }

    /// <summary>
    /// A deploy-form block (one 3×3 conv with bias, then Relu) whose weights are the exact fusion of the
    /// training-form block the same generator state would give, so a deploy model matches its train model.
    /// </summary>
    public static FeatureMap Deploy(CnnLayers l, FeatureMap x, long outChannels, int stride = 1, int groups = 1,
        string? name = null, double gain = 1.0) =>
        Deploy(l, x, RepVggBranches.Generate(l.Weights, x.Channels, outChannels, stride, groups, gain), name);

    public static FeatureMap Deploy(CnnLayers l, FeatureMap x, RepVggBranches p, string? name = null)
    {
        CheckInput(x, p);
        string? scope = name is null ? null : name + ".";
        var (w, b) = p.Fuse();
        return l.Relu(l.Conv(x, p.DenseSpec, w, b, Scoped(scope, "rbr_reparam")), Scoped(scope, "nonlinearity"));
    }

    private static string? Scoped(string? scope, string module) => scope is null ? null : scope + module;

    private static void CheckInput(FeatureMap x, RepVggBranches p)
    {
        if (x.Channels != p.InChannels) throw new ArgumentException($"block expects {p.InChannels} channels, input has {x.Channels}");
    }
}
