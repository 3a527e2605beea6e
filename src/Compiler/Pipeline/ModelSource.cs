using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Pipeline;

/// <summary>Where a command's model comes from: a file, or one of the embedded samples.</summary>
public static class ModelSource
{
    public static (LoadedModel Model, string DisplayName) Open(string? path, string? sample)
    {
        if (path is not null && sample is not null)
        {
            throw new CodesignException(ErrorCodes.UsageError, "give either MODEL or --sample, not both");
        }
        // A store of its own (not the shared in-memory one): compile leaves the sample's folded and fused weights there as recipes.
        if (sample is not null) return (new LoadedModel(Sample(sample), null, new ExternalDataStore(null)), sample);
        if (path is null) throw new CodesignException(ErrorCodes.UsageError, "no model given: pass MODEL or --sample NAME");
        return (ModelLoader.Load(path), Path.GetFileName(path));
    }

    public static Onnx.ModelProto Sample(string name) =>
        SampleModels.Names.Contains(name, StringComparer.Ordinal)
            ? SampleModels.ByName(name)
            : throw new CodesignException(ErrorCodes.UnknownSample, $"no sample named '{name}' (known: {string.Join(", ", SampleModels.Names)})");
}
