using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Every tensor stored in the model holds exactly the bytes its dims and element type need (raw_data, or
/// the count of its typed values). Checked at load, so no later reader runs past the end of a weight.
/// External files are checked by <see cref="ExternalDataStore.Validate"/>.
/// </summary>
internal static class TensorSizeCheck
{
    public static void Verify(ModelProto model, ExternalDataStore store, string path)
    {
        foreach (var tensor in ModelLoader.AllTensors(model))
        {
            if (TensorValues.ByteCount(tensor) is not { } expected) continue;
            long? held = store.IsDeferred(tensor) ? store.StoredLength(tensor)
                : ExternalDataReference.IsExternal(tensor) ? null
                : !tensor.RawData.IsEmpty ? tensor.RawData.Length
                : TypedCount(tensor) is var n and > 0 ? null
                : expected == 0 ? 0 : -1;
            if (held is null || held == expected) continue;
            throw new CodesignException(ErrorCodes.TensorDataSize, held < 0
                ? $"tensor '{tensor.Name}' has dims that need {expected} bytes but holds no data"
                : $"tensor '{tensor.Name}' holds {held} bytes of raw_data but its dims need {expected}", path);
        }
    }

    private static int TypedCount(TensorProto t) =>
        t.FloatData.Count + t.DoubleData.Count + t.Int32Data.Count + t.Int64Data.Count + t.Uint64Data.Count + t.StringData.Count;
}
