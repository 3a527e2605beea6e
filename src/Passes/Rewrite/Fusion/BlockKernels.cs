using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>A conv kernel about to become initializers: its weight is computed straight into the tensor's bytes.</summary>
/// <remarks>With <see cref="Range"/>, a run of the weight's values is computed alone (whole output channels, the same
/// arithmetic), so the saver can write a large kernel a run at a time.</remarks>
internal sealed record Kernel(ConstantFloats.SpanAction Weight, float[] Bias, ConstantFloats.RangeAction? Range = null);

/// <summary>
/// A block's branches as kernels, by <see cref="BranchFolding"/>'s arithmetic (conv + BN, a 1×1 centred, the
/// identity as a centre weight), summed in double and rounded once.
/// <see cref="Prepare"/> only checks that every weight is a constant float32 tensor and reads the small BN
/// parameters; the kernels are computed one block at a time and, within a block, one output channel at a time:
/// summed in a double buffer of one output channel's kernel and rounded into the float32 array the new
/// initializer wraps, so fusing a model holds one block's weights at a time, not every block's, and no
/// double copy of them. A branch weight still in the model's file is read one output channel at a time too
/// (<see cref="ChannelWeights"/>): computing the largest block's kernel holds its result and one channel of its sources.
/// </summary>
internal sealed class BlockKernels
{
    private readonly ModelGraph _graph;
    private readonly RepVggBlock _block;
    private readonly PassContext _context;
    private readonly Dictionary<Branch, BatchNormParameters?> _bn;

    // Each conv branch's weight tensor, taken at Prepare: a deferred kernel is computed after the edit, when the
    // graph no longer holds these tensors.
    private readonly Dictionary<Branch, TensorProto> _weights;

    private BlockKernels(ModelGraph graph, RepVggBlock block, PassContext context, Dictionary<Branch, BatchNormParameters?> bn, Dictionary<Branch, TensorProto> weights)
    {
        _graph = graph;
        _block = block;
        _context = context;
        _bn = bn;
        _weights = weights;
    }

    public static (BlockKernels? Kernels, string? Reason) Prepare(ModelGraph graph, RepVggBlock block, PassContext context)
    {
        var bn = new Dictionary<Branch, BatchNormParameters?>();
        var weights = new Dictionary<Branch, TensorProto>();
        foreach (var branch in block.Branches)
        {
            if (branch.Conv is not null && ConvParameters.Check(graph, branch.Conv).Reason is { } convWhy) return (null, convWhy);
            if (branch.Conv is not null) weights[branch] = graph.ConstantOf(branch.Conv.Input(1)!)!;
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
        return (new BlockKernels(graph, block, context, bn, weights), null);
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
        var perOut = (int)(_block.InPerGroup * k * k);
        return new Kernel(weight =>
        {
            var main = Weight(_block.Main);
            var one = fuseOne ? Weight(_block.OneByOne!) : null;
            var sum = new double[perOut];
            for (var o = 0; o < _block.Channels; o++) Channel(main, one, o, sum, weight.Slice(o * perOut, perOut));
        }, Array.ConvertAll(bias, v => (float)v), (first, values) =>
        {
            // Only where every branch weight is read a channel at a time: otherwise each run would read them whole.
            var main = Weight(_block.Main);
            var one = fuseOne ? Weight(_block.OneByOne!) : null;
            if (!main.InFile || one is { InFile: false }) return false;
            var sum = new double[perOut];
            var channel = new float[perOut];
            for (var o = first / perOut; o * perOut < first + values.Length; o++)
            {
                Channel(main, one, o, sum, channel);
                // The overlap of output channel o with the run asked for.
                var from = Math.Max(first, o * perOut);
                var to = Math.Min(first + values.Length, (o + 1) * perOut);
                channel.AsSpan((int)(from - o * perOut), (int)(to - from)).CopyTo(values.Slice((int)(from - first)));
            }
            return true;
        });

        void Channel(ChannelWeights main, ChannelWeights? one, long o, double[] sum, Span<float> into)
        {
            Array.Clear(sum);
            AddConvChannel(_block.Main, main, o, sum, k);
            if (fuseOne) AddConvChannel(_block.OneByOne!, one!, o, sum, k);
            if (fuseIdentity) BranchFolding.AddIdentityChannel(o, Multiplier(_block.Identity!, o), _block.InPerGroup, sum, k);
            BranchFolding.Round(sum, into);
        }
    }

    /// <summary>The 1×1 branch with its BN folded, in its own 1×1 form.</summary>
    public Kernel OneByOne()
    {
        var bias = new double[_block.Channels];
        AddBias(_block.OneByOne!, bias);
        return new Kernel(weight =>
        {
            var one = Weight(_block.OneByOne!);
            var perOut = (int)_block.InPerGroup;
            var sum = new double[perOut];
            for (var o = 0; o < _block.Channels; o++)
            {
                Array.Clear(sum);
                AddConvChannel(_block.OneByOne!, one, o, sum, 1);
                BranchFolding.Round(sum, weight.Slice(o * perOut, perOut));
            }
        }, Array.ConvertAll(bias, v => (float)v));
    }

    private void AddBias(Branch branch, double[] bias) =>
        BranchFolding.AddBias(branch.Conv is null ? default : ConvParameters.Bias(_graph, branch.Conv, _block.Channels, _context), _bn[branch], bias);

    private ChannelWeights Weight(Branch branch)
    {
        var tensor = _weights[branch];
        return new ChannelWeights(tensor, _context.Weights, _block.InPerGroup * tensor.Dims[2] * tensor.Dims[3]);
    }

    private double Multiplier(Branch branch, long o) => _bn[branch]?.Multiplier[o] ?? 1;

    /// <summary>Output channel o of a branch's kernel (its BN's m applied), centred in the size×size sum.</summary>
    private void AddConvChannel(Branch branch, ChannelWeights weight, long o, Span<double> sum, long size) =>
        BranchFolding.AddConvChannel(weight.Channel(o), 0, Multiplier(branch, o), _block.InPerGroup, _weights[branch].Dims[2], sum, size);

    /// <summary>
    /// A conv weight one output channel ([inPerGroup, k, k]) at a time: read from its file channel by channel where
    /// it is in one (a weight the loader left in the model file, or external data), otherwise read whole once.
    /// </summary>
    private sealed class ChannelWeights
    {
        private readonly TensorProto _tensor;
        private readonly ExternalDataStore _store;
        private readonly int _perOut;
        private readonly float[] _channel;
        private readonly ReadOnlyMemory<byte> _all;
        private readonly float[]? _typed;
        private readonly bool _inFile;
        private long _held; // the output channel _channel holds

        /// <summary>Whether the weight is read from its file a channel at a time (not held whole).</summary>
        public bool InFile => _inFile;

        public ChannelWeights(TensorProto tensor, ExternalDataStore? store, long perOut)
        {
            _tensor = tensor;
            _store = store ?? ExternalDataStore.None;
            _perOut = checked((int)perOut);
            _channel = new float[_perOut];
            _inFile = _store.TryReadRange(tensor, 0, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_channel.AsSpan()));
            if (_inFile) return;
            if (!ExternalDataReference.IsExternal(tensor) && tensor.RawData.IsEmpty) _typed = tensor.FloatData.ToArray();
            else _all = TensorValues.Bytes(tensor, _store);
        }

        public ReadOnlySpan<float> Channel(long o)
        {
            if (_typed is not null) return _typed.AsSpan(checked((int)(o * _perOut)), _perOut);
            if (!_inFile) return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_all.Span).Slice(checked((int)(o * _perOut)), _perOut);
            if (o != _held) _store.TryReadRange(_tensor, o * _perOut * 4L, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_channel.AsSpan()));
            _held = o;
            return _channel;
        }
    }
}
