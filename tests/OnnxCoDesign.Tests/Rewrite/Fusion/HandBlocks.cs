using Onnx;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>
/// RepVGG blocks built by hand in the shapes real exports take, each followed by a Relu named
/// "blk.nonlinearity" whose output is the graph output. <see cref="Variants"/> are blocks fuse-branches
/// must fuse, with the branches the matcher must see.
/// </summary>
internal static class HandBlocks
{
    public static IReadOnlyDictionary<string, (Func<ModelProto> Build, string Branches)> Variants { get; } =
        new Dictionary<string, (Func<ModelProto>, string)>
        {
            ["sum-of-three"] = (SumOfThree, "3x3+bn + 1x1+bn + identity-bn"),
            ["identity-added-first"] = (IdentityAddedFirst, "3x3+bn + 1x1+bn + identity-bn"),
            ["raw-input-identity"] = (RawInputIdentity, "3x3 + 1x1 + identity"),
            ["convs-without-bias"] = (ConvsWithoutBias, "3x3 + 1x1 + identity-bn"),
            ["3x3-and-identity"] = (ThreeByThreeAndIdentity, "3x3+bn + identity-bn"),
            ["3x3-and-1x1-stride-2"] = (ThreeByThreeAndOneByOneStrided, "3x3 + 1x1"),
            ["5x5-1x1-identity"] = (FiveByFive, "5x5 + 1x1 + identity"),
            ["grouped"] = (Grouped, "3x3 + 1x1 + identity-bn"),
            ["depthwise"] = (Depthwise, "3x3 + 1x1 + identity"),
            ["conv-bias-and-bn"] = (ConvBiasAndBn, "3x3+bn + 1x1+bn + identity-bn"),
        };

    /// <summary>Sum(a, b, c) in one node, as some exporters and graph optimizers write the branch sum.</summary>
    private static ModelProto SumOfThree()
    {
        var g = new HandGraph();
        var (dense, one, id) = BnBranches(g);
        return Finish(g, g.Builder.NamedNode("blk.sum", "Sum", [dense, one, id], ["blk.sum_output_0"])[0]);
    }

    /// <summary>Add(id, Add(1×1, 3×3)): the operands in the opposite order to PyTorch's forward.</summary>
    private static ModelProto IdentityAddedFirst()
    {
        var g = new HandGraph();
        var (dense, one, id) = BnBranches(g);
        return Finish(g, g.Op("Add", "blk.add_outer", id, g.Op("Add", "blk.add_inner", one, dense)));
    }

    /// <summary>BN folded into the convs (with bias), and an identity that is the input itself.</summary>
    private static ModelProto RawInputIdentity()
    {
        var g = new HandGraph();
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1);
        return Finish(g, g.Op("Add", "blk.add_2", g.Op("Add", "blk.add_1", dense, one), HandGraph.X));
    }

    private static ModelProto ConvsWithoutBias()
    {
        var g = new HandGraph();
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, bias: false);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1, bias: false);
        var id = g.Bn("blk.rbr_identity", HandGraph.X);
        return Finish(g, g.Op("Add", "blk.add_2", g.Op("Add", "blk.add_1", dense, one), id));
    }

    private static ModelProto ThreeByThreeAndIdentity()
    {
        var g = new HandGraph();
        var dense = g.Bn("blk.rbr_dense.bn", g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, bias: false));
        return Finish(g, g.Op("Add", "blk.add", dense, g.Bn("blk.rbr_identity", HandGraph.X)));
    }

    /// <summary>A downsampling block: stride 2 and twice the channels, so no identity.</summary>
    private static ModelProto ThreeByThreeAndOneByOneStrided()
    {
        var g = new HandGraph();
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, stride: 2, outChannels: 8);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1, stride: 2, outChannels: 8);
        return Finish(g, g.Op("Add", "blk.add", dense, one));
    }

    private static ModelProto FiveByFive()
    {
        var g = new HandGraph();
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 5);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1);
        return Finish(g, g.Op("Add", "blk.add_2", g.Op("Add", "blk.add_1", dense, one), HandGraph.X));
    }

    private static ModelProto Grouped()
    {
        var g = new HandGraph(channels: 8);
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, groups: 4);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1, groups: 4);
        return Finish(g, g.Op("Add", "blk.add_2", g.Op("Add", "blk.add_1", dense, one), g.Bn("blk.rbr_identity", HandGraph.X)));
    }

    /// <summary>groups = channels: each output channel reads only its own input channel.</summary>
    private static ModelProto Depthwise()
    {
        var g = new HandGraph(channels: 6);
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, groups: 6);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1, groups: 6);
        return Finish(g, g.Op("Add", "blk.add_2", g.Op("Add", "blk.add_1", dense, one), HandGraph.X));
    }

    /// <summary>Convs with a bias of their own and a BN after them: both shifts must end up in the fused bias.</summary>
    private static ModelProto ConvBiasAndBn()
    {
        var g = new HandGraph();
        var dense = g.Bn("blk.rbr_dense.bn", g.Conv("blk.rbr_dense.conv", HandGraph.X, 3));
        var one = g.Bn("blk.rbr_1x1.bn", g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1));
        var id = g.Bn("blk.rbr_identity", HandGraph.X);
        return Finish(g, g.Op("Add", "blk.add_2", g.Op("Add", "blk.add_1", dense, one), id));
    }

    /// <summary>Conv→BN for the 3×3 and the 1×1 (convs bias-free, as PyTorch defines them before BN), and an identity BN.</summary>
    public static (string Dense, string OneByOne, string Identity) BnBranches(HandGraph g)
    {
        var dense = g.Bn("blk.rbr_dense.bn", g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, bias: false));
        var one = g.Bn("blk.rbr_1x1.bn", g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1, bias: false));
        return (dense, one, g.Bn("blk.rbr_identity", HandGraph.X));
    }

    public static ModelProto Finish(HandGraph g, string sum) => g.Build(g.Op("Relu", "blk.nonlinearity", sum));
}
