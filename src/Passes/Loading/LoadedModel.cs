using Onnx;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>A parsed model together with the store that resolves its external data.</summary>
public sealed class LoadedModel : IDisposable
{
    public LoadedModel(ModelProto model, string? path, ExternalDataStore externalData)
    {
        Model = model;
        Path = path;
        ExternalData = externalData;
    }

    public ModelProto Model { get; }

    public string? Path { get; }

    public ExternalDataStore ExternalData { get; }

    /// <summary>Wraps a model built in memory (no file, no external data).</summary>
    public static LoadedModel InMemory(ModelProto model) => new(model, null, ExternalDataStore.None);

    public void Dispose() => ExternalData.Dispose();
}
