using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Wire;

/// <summary>STUB — being implemented (issue 12 item 1): encode a part's outputs for the wire, decode its inputs.</summary>
public static class WireCodec
{
    /// <summary>Sender: each listed graph output t (float32) is replaced, at the same position, by t.WireName = Cast(t, FLOAT16) or QuantizeLinear(t, scale, int8 0).</summary>
    public static void EncodeOutputs(ModelGraph graph, IReadOnlyList<WireTensor> tensors) => throw new NotImplementedException();

    /// <summary>Receiver: each listed graph input t is replaced by t.WireName (float16 / int8, same shape) and decoded to t at the front (Cast to FLOAT / DequantizeLinear).</summary>
    public static void DecodeInputs(ModelGraph graph, IReadOnlyList<WireTensor> tensors) => throw new NotImplementedException();

    /// <summary>Receiver of tensors its nodes do not read (the last part, for model outputs produced upstream): adds input WireName, the decode, and graph output t, graph outputs ordered as <paramref name="outputOrder"/> lists them (others after, as they were).</summary>
    public static void DecodeToOutputs(ModelGraph graph, IReadOnlyList<WireTensor> tensors, IReadOnlyList<string> outputOrder) => throw new NotImplementedException();

    /// <summary>For measurement: each listed tensor (a node output or graph input, float32) goes through the wire and back in place: every reader and a graph output see the decoded value.</summary>
    public static void RoundTrip(ModelGraph graph, IReadOnlyList<WireTensor> tensors) => throw new NotImplementedException();
}
