using Onnx;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>
/// Replaces one matched block by its strategy's form. The block's output keeps its name, so whatever read
/// it (the activation) is unchanged; a kept identity keeps its original BN node (or reads the input).
/// </summary>
internal static class BlockRewriter
{
    /// <summary>Rewrites the block; returns the names of the nodes that make it up now.</summary>
    /// <param name="structureOnly">Write zero weights (shared, no arithmetic): for analysis variants that are never run or saved.</param>
    public static IReadOnlyList<string> Apply(GraphEdit edit, RepVggBlock block, FusionStrategy strategy, BlockKernels kernels, bool structureOnly)
    {
        var keepOne = block.OneByOne is not null && strategy.KeepsOneByOne();
        var keepIdentity = block.Identity is not null && strategy.KeepsIdentity();
        var added = new List<NodeProto>();
        var terms = new List<string>();
        var alone = !keepOne && !keepIdentity;

        terms.Add(Conv(edit, added, $"{block.Name}.rbr_reparam", block, structureOnly ? null : kernels.Fused(strategy), block.Kernel, alone ? block.Output : null));
        if (keepOne) terms.Add(Conv(edit, added, $"{block.Name}.rbr_1x1", block, structureOnly ? null : kernels.OneByOne(), 1, null));
        if (keepIdentity) terms.Add(block.Identity!.Output);

        for (var i = 1; i < terms.Count; i++)
        {
            var last = i == terms.Count - 1;
            var sum = last ? block.Output : edit.Fresh($"{block.Name}.add_{i}_output_0");
            added.Add(GraphEdit.Node(edit.Fresh($"{block.Name}.add_{i}"), "Add", [terms[0], terms[i]], [sum]));
            terms[0] = sum;
        }

        var removed = block.Nodes.Where(n => !(keepIdentity && block.Identity!.Bn == n)).Select(n => n.Proto).ToList();
        edit.Replace(removed, added);
        var nodes = added.Select(n => n.Name).ToList();
        if (keepIdentity && block.Identity!.Bn is { } bn) nodes.Add(bn.Name);
        return nodes;
    }

    private static string Conv(GraphEdit edit, List<NodeProto> added, string name, RepVggBlock block, Kernel? kernel, long size, string? output)
    {
        var nodeName = edit.Fresh(name);
        long[] weightDims = [block.Channels, block.InPerGroup, size, size];
        var weight = kernel is null ? edit.AddZeros(nodeName + ".weight", weightDims) : edit.AddInitializer(nodeName + ".weight", weightDims, kernel.Weight, kernel.Range);
        var bias = kernel is null ? edit.AddZeros(nodeName + ".bias", [block.Channels]) : edit.AddInitializer(nodeName + ".bias", kernel.Bias, block.Channels);
        var y = output ?? edit.Fresh(nodeName + "_output_0");
        var pad = (size - 1) / 2;
        added.Add(GraphEdit.Node(nodeName, "Conv", [block.Input, weight, bias], [y],
            Ints("dilations", 1, 1), Int("group", block.Groups), Ints("kernel_shape", size, size),
            Ints("pads", pad, pad, pad, pad), Ints("strides", block.Stride, block.Stride)));
        return y;
    }
}
