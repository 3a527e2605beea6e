using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;

namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>
/// Pass <c>fold-bn</c>: folds an inference-mode BatchNormalization into the Conv that feeds it.
/// <code>
/// Before:  y = BatchNormalization(Conv(x, W, b), γ, β, μ, var)
/// After:   y = Conv(x, W', b')
/// </code>
/// Math (per output channel o): m = γ/sqrt(var+ε), W'[o] = W[o]·m, b'[o] = (b[o] − μ)·m + β = b[o]·m + (β − μ·m).
/// Preconditions: the conv output feeds only this BN and is no graph output; BN and conv parameters are
/// constant float32; BN is per-channel (spatial=1), not in training mode (training_mode=1 from opset 14,
/// statistics outputs declared before it), its training outputs unused.
/// The folded weight and bias are new initializers (NAME_bnfolded); the old ones go once nothing uses them,
/// so a weight shared with another node stays as that node needs it.
/// </summary>
public sealed class FoldBatchNorm : IGraphPass
{
    public const string Name = "fold-bn";

    string IGraphPass.Name => Name;

    public IReadOnlyList<string> TargetOps { get; } = ["BatchNormalization", "Conv"];

    PassResult IGraphPass.Run(ModelGraph graph, PassContext context) => Run(graph, context);

    public static PassResult Run(ModelGraph graph, PassContext context)
    {
        var matches = new List<FoldMatch>();
        var leftAlone = new List<LeftAlone>();
        foreach (var bn in graph.Nodes.Where(n => n.OpType == "BatchNormalization" && n.Domain.Length == 0).ToList())
        {
            var (match, reason) = Match(graph, bn, context);
            if (match is not null) matches.Add(match);
            else if (reason is not null) leftAlone.Add(new LeftAlone(bn.Name, reason));
        }

        // Every pair is matched before the first edit; pairs are disjoint (a conv feeding only its BN).
        var rewrites = new List<Rewrite>();
        foreach (var match in matches)
        {
            Apply(graph, match, context);
            rewrites.Add(new Rewrite(match.Bn.Name, $"folded into conv '{match.Conv.Name}'"));
        }
        if (rewrites.Count > 0) graph.Refresh();
        return new PassResult(Name, rewrites, leftAlone);
    }

    internal sealed record FoldMatch(GraphNode Conv, GraphNode Bn, long[] WeightDims, BatchNormParameters Parameters);

    /// <summary>Pure: looks, never edits. A null match with a null reason means "not a Conv→BN pair at all".</summary>
    internal static (FoldMatch? Match, string? Reason) Match(ModelGraph graph, GraphNode bn, PassContext context)
    {
        var x = bn.Input(0);
        var conv = x is null ? null : graph.ProducerOf(x);
        if (conv is null || conv.OpType != "Conv" || conv.Domain.Length != 0) return (null, null);
        if (graph.ConsumersOf(x!).Count != 1 || graph.IsGraphOutput(x!)) return (null, $"the output of conv '{conv.Name}' has other consumers");
        var (parameters, why) = BatchNormParameters.Read(graph, bn, context);
        if (parameters is null) return (null, why);
        var (dims, convWhy) = ConvParameters.Check(graph, conv);
        if (dims is null) return (null, convWhy);
        if (dims[0] != parameters.Channels) return (null, $"conv '{conv.Name}' has {dims[0]} output channels but the BN has {parameters.Channels}");
        return (new FoldMatch(conv, bn, dims, parameters), null);
    }

    private static void Apply(ModelGraph graph, FoldMatch m, PassContext context)
    {
        var edit = new GraphEdit(graph, context.DeferredWeights);
        var channels = m.WeightDims[0];
        var p = m.Parameters;
        var conv = m.Conv.Proto;
        // The fill may run later (deferred weights), after the conv reads the folded weight: it holds the original.
        var weight = graph.ConstantOf(conv.Input[1])!;
        var perChannel = m.WeightDims.Aggregate(1L, (a, d) => a * d) / channels;
        var weightName = edit.AddInitializer(conv.Input[1] + "_bnfolded", m.WeightDims, w =>
        {
            // Read into the new tensor's own buffer and folded there: no copy of the original is held.
            TensorValues.CopyFloat32(weight, context.Weights, w);
            BranchFolding.FoldWeight(w, p.Multiplier, w);
        }, (first, w) =>
        {
            // A run of the folded weight (a fused block's kernel reads it a channel at a time) from the same run of
            // the original, where that is in the file: the same arithmetic as FoldWeight, element by element.
            if (!context.Weights.TryReadRange(weight, first * 4, System.Runtime.InteropServices.MemoryMarshal.AsBytes(w))) return false;
            for (var i = 0; i < w.Length; i++) w[i] = (float)(w[i] * p.Multiplier[(first + i) / perChannel]);
            return true;
        });
        var b = new double[channels];
        BranchFolding.AddBias(ConvParameters.Bias(graph, m.Conv, channels, context), p, b);
        var biasName = edit.AddInitializer((conv.Input.Count > 2 && conv.Input[2].Length > 0 ? conv.Input[2] : m.Conv.Name + ".bias") + "_bnfolded", b, b.Length);
        conv.Input[1] = weightName;
        if (conv.Input.Count > 2) conv.Input[2] = biasName;
        else conv.Input.Add(biasName);
        conv.Output[0] = m.Bn.Outputs[0];
        edit.Replace([m.Bn.Proto], []);
        edit.RemoveUnreferenced();
    }
}
