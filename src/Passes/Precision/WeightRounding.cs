using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Precision;

/// <summary>
/// Rounds a model's weights to what a low-precision deployment would store, so running the rounded copy
/// in fp32 measures the accuracy cost of the weights alone (activations are not quantized).
/// <list type="bullet">
/// <item>fp16: every float tensor of the model (initializers, Constant values and other tensor
/// attributes, subgraphs included) is rounded to the nearest <see cref="Half"/> and back; values beyond
/// ±65504 become ±∞, as they would on the device.</item>
/// <item>int8: symmetric per-output-channel quantization of the weight (input 1) of Conv (channel axis
/// 0), ConvTranspose (axis 1), Gemm (axis 0 with transB=1, else 1) and MatMul (the last axis: one scale per
/// column N of a [K, N] weight): scale = max|w| / 127 per channel, w' = clamp(round(w / scale), −127, 127)·scale.
/// Biases, BatchNorm parameters and every other float stay float32, as TensorRT keeps them. Only weights
/// that are initializers or Constant outputs of the main graph are quantized.</item>
/// </list>
/// </summary>
public static class WeightRounding
{
    /// <summary>A rounded copy of <paramref name="model"/>; the original is not touched. Rounded tensors
    /// are stored inline in the copy; untouched external tensors still resolve through <paramref name="store"/>.</summary>
    public static ModelProto Apply(ModelProto model, ExternalDataStore? store, TargetPrecision precision)
    {
        var copy = model.Clone();
        switch (precision)
        {
            case TargetPrecision.Fp16:
                foreach (var t in ModelLoader.AllTensors(copy).Where(t => t.DataType == ElementType.Float))
                {
                    var values = TensorValues.AsFloat(t, store);
                    for (var i = 0; i < values.Length; i++) values[i] = (float)(Half)values[i];
                    SetFloats(t, values);
                }
                break;
            case TargetPrecision.Int8:
                QuantizeWeights(copy.Graph, store);
                break;
        }
        return copy;
    }

    /// <summary>
    /// Symmetric per-channel int8 round trip of <paramref name="values"/> laid out with <paramref name="dims"/>,
    /// one scale per index of <paramref name="axis"/>. A channel of zeros stays zero. Scales are computed in
    /// double, so the channel's largest magnitude maps to ±127·scale and comes back exactly.
    /// </summary>
    public static float[] QuantizePerChannel(float[] values, IReadOnlyList<long> dims, int axis)
    {
        var channels = dims.Count == 0 ? 1 : checked((int)dims[axis]);
        long inner = 1;
        for (var d = axis + 1; d < dims.Count; d++) inner *= dims[d];
        if (channels == 0 || values.Length == 0) return (float[])values.Clone();
        var max = new double[channels];
        for (var i = 0; i < values.Length; i++)
        {
            var c = (int)(i / inner % channels);
            max[c] = Math.Max(max[c], Math.Abs((double)values[i]));
        }
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var c = (int)(i / inner % channels);
            var scale = max[c] / 127.0;
            if (scale == 0 || !double.IsFinite(scale)) { result[i] = values[i]; continue; }
            var q = Math.Clamp(Math.Round(values[i] / scale, MidpointRounding.ToEven), -127, 127);
            result[i] = (float)(q * scale);
        }
        return result;
    }

    /// <summary>The channel axis of a node's weight (input 1), or null when the node has none to quantize.</summary>
    public static int? WeightChannelAxis(NodeProto node, int weightRank)
    {
        if (node.Domain is not ("" or "ai.onnx") || node.Input.Count < 2) return null;
        return node.OpType switch
        {
            "Conv" => weightRank >= 1 ? 0 : null,
            "ConvTranspose" => weightRank >= 2 ? 1 : null,
            "Gemm" => weightRank == 2 ? (node.GetInt("transB", 0) != 0 ? 0 : 1) : null,
            "MatMul" => weightRank >= 2 ? weightRank - 1 : null,
            _ => null,
        };
    }

    private static void QuantizeWeights(GraphProto graph, ExternalDataStore? store)
    {
        var constants = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer) constants.TryAdd(t.Name, t);
        foreach (var n in graph.Node.Where(n => n.OpType == "Constant" && n.Domain is ("" or "ai.onnx") && n.Output.Count == 1))
        {
            if (n.GetTensor("value") is { } value) constants.TryAdd(n.Output[0], value);
        }
        // A weight shared by several nodes is quantized once, on the axis of its first consumer.
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.Input.Count < 2 || !constants.TryGetValue(node.Input[1], out var w) || w.DataType != ElementType.Float) continue;
            if (WeightChannelAxis(node, w.Dims.Count) is not { } axis || !done.Add(node.Input[1])) continue;
            SetFloats(w, QuantizePerChannel(TensorValues.AsFloat(w, store), w.Dims, axis));
        }
    }

    /// <summary>Stores the values inline as raw little-endian floats, dropping any external reference.</summary>
    private static void SetFloats(TensorProto tensor, float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        tensor.FloatData.Clear();
        tensor.ExternalData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.Default;
        tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
    }
}
