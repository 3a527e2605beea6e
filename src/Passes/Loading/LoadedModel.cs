using Onnx;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>A parsed model together with the store that resolves its external data.</summary>
public sealed class LoadedModel : IDisposable
{
    private readonly bool _ownsStore;

    public LoadedModel(ModelProto model, string? path, ExternalDataStore externalData)
        : this(model, path, externalData, ownsStore: true)
    {
    }

    private LoadedModel(ModelProto model, string? path, ExternalDataStore externalData, bool ownsStore)
    {
        Model = model;
        Path = path;
        ExternalData = externalData;
        _ownsStore = ownsStore;
    }

    public ModelProto Model { get; }

    public string? Path { get; }

    public ExternalDataStore ExternalData { get; }

    /// <summary>Wraps a model built in memory (no file, no external data).</summary>
    public static LoadedModel InMemory(ModelProto model) => new(model, null, ExternalDataStore.None);

    /// <summary>A rewritten version of this model: it reads weights from the same store, which stays this one's.</summary>
    public LoadedModel Derived(ModelProto rewritten) => new(rewritten, Path, ExternalData, ownsStore: false);

    public void Dispose()
    {
        if (_ownsStore) ExternalData.Dispose();
    }
}
