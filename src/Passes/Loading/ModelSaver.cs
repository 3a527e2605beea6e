using Google.Protobuf;
using Onnx;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Saves a model. Tensors that were external stay external, in one data file beside the model
/// (<c>NAME.onnx.data</c>); when the inline tensors would push the file past protobuf's 2 GiB limit the
/// large ones go external too. Weights are streamed from where they are, never collected in memory.
/// Both files are written under temporary names and renamed into place, the data file first.
/// </summary>
public static class ModelSaver
{
    /// <summary>Protobuf cannot serialise a message of 2 GiB or more; keep a margin for the graph itself.</summary>
    public const long ProtobufLimit = int.MaxValue - (64L << 20);

    /// <summary>Inline tensors at least this large move out when the limit forces it (onnx uses 1 KiB too).</summary>
    public const long ExternalizeThreshold = 1024;

    private const int Alignment = 4096;

    public static void Save(ModelProto model, string path, ExternalDataStore? source = null, bool forceExternal = false)
    {
        var store = source ?? ExternalDataStore.None;
        var tensors = ModelLoader.AllTensors(model).ToList();
        bool Inline(TensorProto t) => !ExternalDataReference.IsExternal(t) || store.IsDeferred(t);
        long Size(TensorProto t) => store.IsDeferred(t) ? store.StoredLength(t) : InlineSize(t);
        var inlineBytes = tensors.Where(Inline).Sum(Size);
        var moveOut = tensors.Where(t => !Inline(t)
            || ((forceExternal || inlineBytes > ProtobufLimit) && Size(t) >= ExternalizeThreshold)).ToList();
        if (moveOut.Count == 0 && !tensors.Any(store.IsDeferred))
        {
            AtomicFile.Write(path, model.WriteTo);
            return;
        }

        // The model proto is cloned; its byte strings are immutable and shared, so no weight is copied.
        var copy = model.Clone();
        if (moveOut.Count == 0)
        {
            // One file, weights streamed from the source: it may go through a FIFO or device like any output.
            AtomicFile.Write(path, stream => ModelStreamWriter.Write(copy, stream, store, store.IsDeferred));
            return;
        }
        // Two files cannot go through one FIFO or device: such a target is refused, never replaced.
        AtomicFile.RequireRegularTarget(path);
        AtomicFile.RemoveLeftovers(AtomicFile.FullPath(path));

        var copyTensors = ModelLoader.AllTensors(copy).ToList();
        var index = new Dictionary<TensorProto, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < tensors.Count; i++) index[tensors[i]] = i;

        var files = new List<(string Temp, string Final)>();
        try
        {
            if (moveOut.Count > 0)
            {
                var dataName = Path.GetFileName(path) + ".data";
                var dataPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, dataName);
                AtomicFile.RequireRegularTarget(dataPath);
                AtomicFile.RemoveLeftovers(dataPath);
                files.Add((AtomicFile.WriteTemp(dataPath, stream => WriteData(stream, moveOut, store, copyTensors, index, dataName)), dataPath));
            }
            // Moved tensors now point at the new data file; those still deferred are written inline.
            files.Add((AtomicFile.WriteTemp(path, stream => ModelStreamWriter.Write(copy, stream, store, store.IsDeferred)), Path.GetFullPath(path)));
            // Both files exist in full under temporary names before either takes its final name.
            foreach (var (temp, final) in files) AtomicFile.Commit(temp, final);
        }
        finally
        {
            foreach (var (temp, _) in files) AtomicFile.TryDelete(temp);
        }
    }

    private static void WriteData(Stream stream, List<TensorProto> moveOut, ExternalDataStore store,
        List<TensorProto> copyTensors, Dictionary<TensorProto, int> index, string dataName)
    {
        foreach (var tensor in moveOut)
        {
            var pad = (int)((Alignment - stream.Position % Alignment) % Alignment);
            if (pad > 0) stream.Write(new byte[pad]);
            var offset = stream.Position;
            if (ExternalDataReference.IsExternal(tensor)) store.CopyTo(tensor, stream);
            else if (!tensor.RawData.IsEmpty) tensor.RawData.WriteTo(stream);
            else stream.Write(TensorValues.Bytes(tensor).Span);
            PointAt(copyTensors[index[tensor]], dataName, offset, stream.Position - offset);
        }
    }

    /// <summary>
    /// Bytes a tensor holds inline: its raw_data, or what its typed fields (float_data, int64_data, …) amount
    /// to once written as raw bytes. Strings have no fixed size and never move out.
    /// </summary>
    private static long InlineSize(TensorProto tensor)
    {
        if (!tensor.RawData.IsEmpty) return tensor.RawData.Length;
        var typed = tensor.FloatData.Count + tensor.DoubleData.Count + tensor.Int32Data.Count + tensor.Int64Data.Count + tensor.Uint64Data.Count;
        return typed == 0 ? 0 : TensorValues.ByteCount(tensor) ?? 0;
    }

    private static void PointAt(TensorProto tensor, string location, long offset, long length)
    {
        tensor.RawData = ByteString.Empty;
        tensor.FloatData.Clear();
        tensor.DoubleData.Clear();
        tensor.Int32Data.Clear();
        tensor.Int64Data.Clear();
        tensor.Uint64Data.Clear();
        tensor.ExternalData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }
}
