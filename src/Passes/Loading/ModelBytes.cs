using Google.Protobuf;
using Onnx;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// The serialized bytes of a model, with every weight inline, for handing to a runtime in memory.
/// Weights that were left in a file (external or deferred) are read from the store.
/// </summary>
public static class ModelBytes
{
    public static byte[] ToArray(ModelProto model, ExternalDataStore? store = null)
    {
        store ??= ExternalDataStore.None;
        if (!ModelLoader.AllTensors(model).Any(ExternalDataReference.IsExternal)) return model.ToByteArray();

        // Initializers stream from their files; a file-held tensor elsewhere (a Constant, a subgraph) is read in.
        var copy = model.Clone();
        var initializers = new HashSet<TensorProto>(copy.Graph.Initializer, ReferenceEqualityComparer.Instance);
        foreach (var tensor in ModelLoader.AllTensors(copy).Where(t => ExternalDataReference.IsExternal(t) && !initializers.Contains(t)))
        {
            var bytes = store.Read(tensor);
            tensor.ExternalData.Clear();
            tensor.DataLocation = TensorProto.Types.DataLocation.Default;
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        }
        // Sized exactly, so the weights are copied once, from their file into the result.
        var buffer = new byte[checked((int)ModelStreamWriter.Length(copy, store, ExternalDataReference.IsExternal))];
        using var stream = new MemoryStream(buffer, writable: true);
        ModelStreamWriter.Write(copy, stream, store, ExternalDataReference.IsExternal);
        return buffer;
    }
}
