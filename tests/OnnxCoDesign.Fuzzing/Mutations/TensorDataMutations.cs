using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>Initializers whose data disagrees with their dims or type, lives in two places, or is missing; odd biases.</summary>
public static class TensorDataMutations
{
    private const string Class = "tensor data";

    public static IEnumerable<Mutation> All { get; } =
    [
        new("typed-data-count-mismatch", Class, c =>
        {
            // Moves raw data to float_data with a few values too many or too few.
            if (FloatWeight(c) is not { } t) return;
            var values = MutationContext.Floats(t).ToList();
            int delta = c.Random.Pick(-1, 1, -values.Count / 2, values.Count, -values.Count);
            if (delta < 0) values.RemoveRange(values.Count + delta, -delta);
            else values.AddRange(Enumerable.Repeat(0.5f, delta));
            t.RawData = ByteString.Empty;
            t.FloatData.Clear();
            t.FloatData.Add(values);
        }),
        new("raw-data-length-mismatch", Class, c =>
        {
            if (FloatWeight(c) is not { } t) return;
            var raw = t.RawData.ToByteArray();
            int cut = c.Random.Pick(1, 3, 4, raw.Length / 2, raw.Length);
            t.RawData = c.Random.Chance(0.5) ? ByteString.CopyFrom(raw, 0, Math.Max(0, raw.Length - cut)) : ByteString.CopyFrom([.. raw, .. new byte[cut]]);
        }),
        new("raw-and-typed-data", Class, c =>
        {
            if (FloatWeight(c) is not { } t) return;
            t.FloatData.Add(MutationContext.Floats(t).Select(v => v * 2));
        }),
        new("raw-and-external-data", Class, c =>
        {
            // Data in two places: raw_data kept, external references added (the external data was silently ignored).
            if (FloatWeight(c) is not { } t) return;
            var different = MutationContext.Floats(t).Select(v => -v).ToArray();
            c.Files["in/both.bin"] = MutationContext.RawOf(different).ToByteArray();
            t.DataLocation = TensorProto.Types.DataLocation.External;
            t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "both.bin" });
            if (c.Random.Chance(0.5)) t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = (different.Length * 4).ToString() });
        }),
        new("string-typed-weight", Class, c =>
        {
            if (FloatWeight(c) is not { } t) return;
            long count = MutationContext.Floats(t).Length;
            t.RawData = ByteString.Empty;
            t.DataType = ElementType.String;
            for (long i = 0; i < count; i++) t.StringData.Add(ByteString.CopyFromUtf8("w"));
        }),
        new("initializer-data-type-changed", Class, c =>
        {
            // The bytes stay; only the declared type changes (double, int8, fp16, int64, uint8, bool, bf16, complex64, undefined, unknown).
            if (FloatWeight(c) is not { } t) return;
            t.DataType = c.Random.Pick(11, 3, 10, 7, 2, 9, 16, 14, 0, 99, -1);
        }),
        new("weights-nan-inf", Class, c =>
        {
            if (FloatWeight(c) is not { } t) return;
            var values = MutationContext.Floats(t);
            for (int k = 0; k < Math.Max(1, values.Length / 8); k++) values[c.Random.Next(values.Length)] = c.Random.Pick(float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue);
            t.RawData = MutationContext.RawOf(values);
        }),
        new("initializer-removed", Class, c =>
        {
            if (c.PickInitializer() is { } t) c.Graph.Initializer.Remove(t);
        }),
        new("initializer-data-emptied", Class, c =>
        {
            if (c.PickInitializer() is { } t) t.RawData = ByteString.Empty;
        }),
        new("bias-scalar", Class, c =>
        {
            // A Conv bias of shape [] holding one value.
            if (c.PickConvBias() is not { } p) return;
            p.Bias.Dims.Clear();
            p.Bias.RawData = MutationContext.RawOf([0.25f]);
        }),
        new("bias-shape-c-by-1", Class, c =>
        {
            // [C, 1] has the right count but is not the 1-D [C] ONNX requires.
            if (c.PickConvBias() is not { } p) return;
            long channels = p.Bias.Dims.Count > 0 ? p.Bias.Dims[0] : 1;
            p.Bias.Dims.Clear();
            p.Bias.Dims.Add([channels, 1]);
        }),
        new("bias-wrong-length", Class, c =>
        {
            if (c.PickConvBias() is not { } p) return;
            var values = MutationContext.Floats(p.Bias).ToList();
            if (c.Random.Chance(0.5) && values.Count > 1) values.RemoveAt(0);
            else values.Add(0.5f);
            p.Bias.Dims.Clear();
            p.Bias.Dims.Add(values.Count);
            p.Bias.RawData = MutationContext.RawOf([.. values]);
        }),
        new("conv-weight-dims-permuted", Class, c =>
        {
            if (c.PickNode("Conv") is not { } n || c.Initializer(n.Input[1]) is not { Dims.Count: 4 } w) return;
            (w.Dims[0], w.Dims[1]) = (w.Dims[1], w.Dims[0]);
            if (c.Random.Chance(0.5)) (w.Dims[2], w.Dims[3]) = (w.Dims[0], w.Dims[2]);
        }),
        new("conv-weight-rank-changed", Class, c =>
        {
            if (c.PickNode("Conv") is not { } n || c.Initializer(n.Input[1]) is not { } w) return;
            long count = w.Dims.Aggregate(1L, (a, d) => a * d);
            w.Dims.Clear();
            if (c.Random.Chance(0.5)) w.Dims.Add(count);
            else w.Dims.Add([count, 1, 1, 1, 1]);
        }),
        new("bn-parameters-wrong-length", Class, c =>
        {
            if (c.PickNode("BatchNormalization") is not { Input.Count: 5 } n || c.Initializer(n.Input[c.Random.Between(1, 4)]) is not { } t) return;
            var values = MutationContext.Floats(t).Take(Math.Max(1, (int)(t.Dims.FirstOrDefault() / 2))).ToArray();
            t.Dims.Clear();
            t.Dims.Add(values.Length);
            t.RawData = MutationContext.RawOf(values);
        }),
        new("bn-variance-negative", Class, c =>
        {
            // Numerically odd but structurally valid: sqrt of a negative variance gives NaN weights after folding.
            if (c.PickNode("BatchNormalization") is not { Input.Count: 5 } n || c.Initializer(n.Input[4]) is not { } t) return;
            t.RawData = MutationContext.RawOf(MutationContext.Floats(t).Select(v => -v - 1e-5f).ToArray());
        }),
    ];

    /// <summary>A float weight or bias initializer with raw data, preferring one a Conv or Gemm reads.</summary>
    private static TensorProto? FloatWeight(MutationContext c)
    {
        var read = c.Graph.Node.Where(n => n.OpType is "Conv" or "Gemm").SelectMany(n => n.Input.Skip(1)).ToHashSet(StringComparer.Ordinal);
        var t = c.PickInitializer(t => t.DataType == ElementType.Float && t.RawData.Length > 0 && read.Contains(t.Name));
        return t is { DataType: ElementType.Float } && t.RawData.Length > 0 ? t : null;
    }
}
