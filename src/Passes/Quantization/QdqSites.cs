using OnnxCoDesign.Passes.Rewrite;

namespace OnnxCoDesign.Passes.Quantization;

/// <summary>One input slot of one node (by identity, <see cref="IR.GraphNode.Name"/>) that reads a quantized tensor.</summary>
public sealed record TensorReader(string Node, int Slot);

/// <summary>An activation tensor that gets one QuantizeLinear→DequantizeLinear pair, and the readers rewired to it.</summary>
public sealed record ActivationSite(string Tensor, IReadOnlyList<TensorReader> Readers);

/// <summary>
/// A weight initializer read by a linear operator at <see cref="Slot"/>, quantized per channel along
/// <see cref="Axis"/> (the output-channel axis of that operator's weight).
/// </summary>
public sealed record WeightSite(string Node, string OpType, int Slot, string Weight, int Axis);

/// <summary>Where the quantize pass puts Q/DQ: activations in topological order, weights in node order.</summary>
public sealed record QdqSites(IReadOnlyList<ActivationSite> Activations, IReadOnlyList<WeightSite> Weights, IReadOnlyList<LeftAlone> LeftAlone)
{
    public IReadOnlyList<string> ActivationTensors => Activations.Select(a => a.Tensor).ToList();

    public bool IsEmpty => Activations.Count == 0 && Weights.Count == 0;
}
