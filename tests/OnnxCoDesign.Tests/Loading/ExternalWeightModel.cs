using OnnxCoDesign.Tests.Support;
using Google.Protobuf;
using Onnx;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>
/// <see cref="TinyModels.ConvRelu"/> with its weight W stored outside the model under external-data entries
/// the test chooses. Where the bytes live (and whether they do) is up to the test.
/// </summary>
internal static class ExternalWeightModel
{
    public const string ModelFile = "model.onnx";
    public const string DataFile = "weights.bin";

    public static byte[] WeightBytes { get; } = TinyModels.ConvRelu().Graph.Initializer.Single(t => t.Name == "W").RawData.ToByteArray();

    /// <summary>Writes the model to <paramref name="modelFile"/> (relative to the folder) and returns its path.</summary>
    public static string Write(ScratchDirectory dir, (string Key, string Value)[] externalData, string modelFile = ModelFile)
    {
        var model = TinyModels.ConvRelu();
        MakeExternal(model.Graph.Initializer.Single(t => t.Name == "W"), externalData);
        return dir.Write(modelFile, model.ToByteArray());
    }

    public static string Write(ScratchDirectory dir, params (string Key, string Value)[] externalData) => Write(dir, externalData, ModelFile);

    /// <summary>The weights in <c>weights.bin</c>, referenced by location only.</summary>
    public static string WriteWithData(ScratchDirectory dir)
    {
        dir.Write(DataFile, WeightBytes);
        return Write(dir, ("location", DataFile));
    }

    /// <summary>Drops the tensor's inline bytes and points it at external data with exactly these entries.</summary>
    public static TensorProto MakeExternal(TensorProto tensor, params (string Key, string Value)[] externalData)
    {
        tensor.RawData = ByteString.Empty;
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Clear();
        foreach (var (key, value) in externalData) tensor.ExternalData.Add(new StringStringEntryProto { Key = key, Value = value });
        return tensor;
    }
}
