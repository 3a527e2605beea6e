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
        var originals = ModelLoader.AllTensors(model).ToList();
        if (!originals.Any(ExternalDataReference.IsExternal)) return model.ToByteArray();

        // Bytes are looked up through the original tensors: the store knows those, not their clones.
        var copy = model.Clone();
        var copies = ModelLoader.AllTensors(copy).ToList();
        var initializers = new HashSet<TensorProto>(copy.Graph.Initializer, ReferenceEqualityComparer.Instance);
        var streamFrom = new Dictionary<TensorProto, TensorProto>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < copies.Count; i++)
        {
            if (!ExternalDataReference.IsExternal(originals[i])) continue;
            if (initializers.Contains(copies[i]))
            {
                streamFrom[copies[i]] = originals[i];
                continue;
            }
            var tensor = copies[i];
            var bytes = store.Read(originals[i]);
            tensor.ExternalData.Clear();
            tensor.DataLocation = TensorProto.Types.DataLocation.Default;
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        }
        if (streamFrom.Count == 0) return copy.ToByteArray();
        // Sized exactly, so the weights are copied once, from their file into the result.
        var buffer = new byte[checked((int)ModelStreamWriter.Length(copy, store, streamFrom))];
        using var stream = new MemoryStream(buffer, writable: true);
        ModelStreamWriter.Write(copy, stream, store, streamFrom);
        return buffer;
    }
}
