using OnnxCoDesign.Passes.Rewrite;
using Change = OnnxCoDesign.Passes.Rewrite.Rewrite;

namespace OnnxCoDesign.Passes.Quantization;

/// <summary>
/// What <see cref="Quantize"/> did: the activation tensors and weights it quantized, and the opset it raised
/// the model from (null when it did not), which a plan reports.
/// </summary>
public sealed record QuantizeResult(
    IReadOnlyList<Change> Rewrites,
    IReadOnlyList<LeftAlone> LeftAlone,
    IReadOnlyList<string> Activations,
    IReadOnlyList<string> Weights,
    long? OpsetRaisedFrom)
    : PassResult(Quantize.Name, Rewrites, LeftAlone);
