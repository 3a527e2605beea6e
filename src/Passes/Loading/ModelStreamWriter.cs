using Google.Protobuf;
using Onnx;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Serializes a model whose large initializers were left in their source file, streaming their bytes
/// from the store into raw_data instead of collecting them in memory. Fields come out in field-number
/// order, as generated code writes them, so a model read and written unchanged is byte-identical.
/// </summary>
internal static class ModelStreamWriter
{
    private const int GraphField = 7, InitializerField = 5, RawDataField = 9;

    /// <param name="inline">Which graph initializers held in files to write inline, their bytes streamed from the store.</param>
    public static void Write(ModelProto model, Stream output, ExternalDataStore store, Func<TensorProto, bool> inline) =>
        Plan(model, store, inline).Write(output);

    /// <summary>The serialized size, known before a byte is written (so a buffer can be sized exactly).</summary>
    public static long Length(ModelProto model, ExternalDataStore store, Func<TensorProto, bool> inline) =>
        Plan(model, store, inline).Length;

    private sealed record Layout(long Length, Action<Stream> Write);

    private static Layout Plan(ModelProto model, ExternalDataStore store, Func<TensorProto, bool> inline)
    {
        var modelRest = model.Clone();
        modelRest.Graph = null;
        var (modelBefore, modelAfter) = ProtoWire.SplitAfterField(modelRest.ToByteArray(), GraphField);
        var graphRest = model.Graph.Clone();
        graphRest.Initializer.Clear();
        var (graphBefore, graphAfter) = ProtoWire.SplitAfterField(graphRest.ToByteArray(), InitializerField);

        var parts = model.Graph.Initializer.Select(t => Part(t, store, inline)).ToList();
        var graphLength = graphBefore.Length + graphAfter.Length + parts.Sum(p => ProtoWire.FieldSize(InitializerField, p.Length));
        var total = modelBefore.Length + ProtoWire.FieldSize(GraphField, graphLength) + modelAfter.Length;
        return new Layout(total, output =>
        {
            output.Write(modelBefore);
            ProtoWire.WriteLengthPrefix(output, GraphField, graphLength);
            output.Write(graphBefore);
            foreach (var part in parts)
            {
                ProtoWire.WriteLengthPrefix(output, InitializerField, part.Length);
                part.Write(output);
            }
            output.Write(graphAfter);
            output.Write(modelAfter);
        });
    }

    private sealed record TensorPart(long Length, Action<Stream> Write);

    private static TensorPart Part(TensorProto tensor, ExternalDataStore store, Func<TensorProto, bool> inline)
    {
        if (!inline(tensor)) return new TensorPart(tensor.CalculateSize(), tensor.WriteTo);
        var header = tensor.Clone();
        header.ExternalData.Clear();
        header.DataLocation = TensorProto.Types.DataLocation.Default;
        var (before, after) = ProtoWire.SplitAfterField(header.ToByteArray(), RawDataField);
        var length = store.StoredLength(tensor);
        return new TensorPart(before.Length + ProtoWire.FieldSize(RawDataField, length) + after.Length, s =>
        {
            s.Write(before);
            ProtoWire.WriteLengthPrefix(s, RawDataField, length);
            store.CopyTo(tensor, s);
            s.Write(after);
        });
    }
}
