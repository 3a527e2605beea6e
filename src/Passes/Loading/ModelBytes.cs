using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// The serialized bytes of a model, with every weight inline, for handing to a runtime in memory.
/// Weights that were left in a file (external or deferred) are read from the store.
/// </summary>
public static class ModelBytes
{
    /// <summary>A byte array holds at most this many bytes; larger models go to a runtime another way (OrtSessions).</summary>
    public const long MaxInMemory = int.MaxValue;

    /// <summary>The size <see cref="ToArray"/> would have, computed without serializing the weights.</summary>
    public static long Length(ModelProto model, ExternalDataStore? store = null)
    {
        store ??= ExternalDataStore.None;
        if (model.Graph is null) return model.CalculateSize();
        return ModelStreamWriter.Length(InlineNonInitializers(model, store), store, ExternalDataReference.IsExternal);
    }

    public static byte[] ToArray(ModelProto model, ExternalDataStore? store = null)
    {
        store ??= ExternalDataStore.None;
        if (!ModelLoader.AllTensors(model).Any(ExternalDataReference.IsExternal)) return model.ToByteArray();

        var copy = InlineNonInitializers(model, store);
        var length = ModelStreamWriter.Length(copy, store, ExternalDataReference.IsExternal);
        if (length > MaxInMemory)
        {
            throw new CodesignException(ErrorCodes.RuntimeModelTooLarge,
                $"the model is {length} bytes with its weights inline, more than one byte array holds ({MaxInMemory})");
        }
        // Sized exactly, so the weights are copied once, from their file into the result.
        var buffer = new byte[length];
        using var stream = new MemoryStream(buffer, writable: true);
        ModelStreamWriter.Write(copy, stream, store, ExternalDataReference.IsExternal);
        return buffer;
    }

    /// <summary>
    /// A copy in which file-held tensors other than initializers (a Constant, a subgraph's) are read in;
    /// initializers stay in their files and are streamed by the writer.
    /// </summary>
    private static ModelProto InlineNonInitializers(ModelProto model, ExternalDataStore store)
    {
        var copy = model.Clone();
        var initializers = new HashSet<TensorProto>(copy.Graph.Initializer, ReferenceEqualityComparer.Instance);
        foreach (var tensor in ModelLoader.AllTensors(copy).Where(t => ExternalDataReference.IsExternal(t) && !initializers.Contains(t)))
        {
            var bytes = store.Read(tensor);
            tensor.ExternalData.Clear();
            tensor.DataLocation = TensorProto.Types.DataLocation.Default;
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        }
        return copy;
    }
}
