using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>A conv kernel about to become initializers: its weight is computed straight into the tensor's bytes.</summary>
internal sealed record Kernel(ConstantFloats.SpanAction Weight, float[] Bias);

/// <summary>
/// A block's branches as kernels (DESIGN.md, "Re-parameterization"):
///   conv + BN   W' = W·m, b' = b·m + s   (m = γ/sqrt(var+ε), s = β − μ·m), a missing bias being 0;
///   1×1         its kernel placed at the centre of a k×k kernel of zeros;
///   identity    for output channel o, weight m (1 without BN) at the centre of input channel o mod (C/groups)
///               (the channel it reads within its group), bias s (0 without BN).
/// <see cref="Prepare"/> only checks that every weight is a constant float32 tensor and reads the small BN
/// parameters; the kernels are computed one block at a time, straight into the float32 array the new
/// initializer wraps, so fusing a model holds one block's weights at a time, not every block's.
/// </summary>
internal sealed class BlockKernels
{
    private readonly ModelGraph _graph;
    private readonly RepVggBlock _block;
    private readonly PassContext _context;
    private readonly Dictionary<Branch, BatchNormParameters?> _bn;

    private BlockKernels(ModelGraph graph, RepVggBlock block, PassContext context, Dictionary<Branch, BatchNormParameters?> bn)
    {
        _graph = graph;
        _block = block;
        _context = context;
        _bn = bn;
    }

    public static (BlockKernels? Kernels, string? Reason) Prepare(ModelGraph graph, RepVggBlock block, PassContext context)
    {
        var bn = new Dictionary<Branch, BatchNormParameters?>();
        foreach (var branch in block.Branches)
        {
            if (branch.Conv is not null && ConvParameters.Check(graph, branch.Conv).Reason is { } convWhy) return (null, convWhy);
            BatchNormParameters? parameters = null;
            if (branch.Bn is not null)
            {
                var (read, why) = BatchNormParameters.Read(graph, branch.Bn, context);
                if (read is null) return (null, $"BN '{branch.Bn.Name}': {why}");
                if (read.Channels != block.Channels) return (null, $"BN '{branch.Bn.Name}' has {read.Channels} channels, the block {block.Channels}");
                parameters = read;
            }
            bn[branch] = parameters;
        }
        return (new BlockKernels(graph, block, context, bn), null);
    }

    /// <summary>The k×k kernel for a strategy: the main branch plus every branch the strategy fuses away.</summary>
    public Kernel Fused(FusionStrategy strategy)
    {
        var k = _block.Kernel;
        var fuseOne = _block.OneByOne is not null && !strategy.KeepsOneByOne();
        var fuseIdentity = _block.Identity is not null && !strategy.KeepsIdentity();
        var bias = new double[_block.Channels];
        AddBias(_block.Main, bias);
        if (fuseOne) AddBias(_block.OneByOne!, bias);
        if (fuseIdentity) AddBias(_block.Identity!, bias);
        return new Kernel(weight =>
        {
            AddConv(_block.Main, weight, k);
            if (fuseOne) AddConv(_block.OneByOne!, weight, k);
            if (fuseIdentity) AddIdentity(_block.Identity!, weight, k);
        }, Array.ConvertAll(bias, v => (float)v));
    }

    /// <summary>The 1×1 branch with its BN folded, in its own 1×1 form.</summary>
    public Kernel OneByOne()
    {
        var bias = new double[_block.Channels];
        AddBias(_block.OneByOne!, bias);
        return new Kernel(weight => AddConv(_block.OneByOne!, weight, 1), Array.ConvertAll(bias, v => (float)v));
    }

    private void AddBias(Branch branch, double[] bias)
    {
        var p = _bn[branch];
        var b = branch.Conv is null ? null : ConvParameters.Bias(_graph, branch.Conv, _block.Channels, _context);
        for (var o = 0; o < _block.Channels; o++) bias[o] += (b?[o] ?? 0) * (p?.Multiplier[o] ?? 1) + (p?.Shift[o] ?? 0);
    }

    private void AddConv(Branch branch, Span<float> weight, long size)
    {
        var w = ConvParameters.Weight(_graph, branch.Conv!, _context);
        var p = _bn[branch];
        var k = _graph.ConstantOf(branch.Conv!.Input(1)!)!.Dims[2];
        var offset = (size - k) / 2;
        var inPerGroup = _block.InPerGroup;
        for (var o = 0; o < _block.Channels; o++)
        {
            var m = p?.Multiplier[o] ?? 1;
            for (var i = 0; i < inPerGroup; i++)
            {
                for (var y = 0; y < k; y++)
                {
                    for (var x = 0; x < k; x++)
                    {
                        weight[(int)(((o * inPerGroup + i) * size + y + offset) * size + x + offset)] += (float)(w[(int)(((o * inPerGroup + i) * k + y) * k + x)] * m);
                    }
                }
            }
        }
    }

    private void AddIdentity(Branch branch, Span<float> weight, long size)
    {
        var p = _bn[branch];
        var centre = size / 2;
        var inPerGroup = _block.InPerGroup;
        for (var o = 0; o < _block.Channels; o++)
        {
            weight[(int)(((o * inPerGroup + o % inPerGroup) * size + centre) * size + centre)] += (float)(p?.Multiplier[o] ?? 1);
        }
    }
}
