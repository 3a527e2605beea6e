using Microsoft.ML.OnnxRuntime;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// Creates ONNX Runtime sessions for a model the tool has loaded. A model that fits a byte array is handed
/// over in memory with every weight inline, so ORT never opens a path the loader did not check. A larger one
/// (over 2 GiB with its weights: a byte array cannot hold it) is saved with its weights as external data into
/// a private temporary folder that this creates (mode 0700) and deletes once the session holds the weights.
/// </summary>
public static class OrtSessions
{
    public static InferenceSession Create(ModelProto model, ExternalDataStore? store, SessionOptions options, string? path, long inMemoryLimit = ModelBytes.MaxInMemory)
    {
        OrtEnvironment.Ensure();
        store ??= ExternalDataStore.None;
        try
        {
            if (ModelBytes.Length(model, store) <= Math.Min(inMemoryLimit, ModelBytes.MaxInMemory))
            {
                return new InferenceSession(ModelBytes.ToArray(model, store), options);
            }
            return FromPrivateCopy(model, store, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new CodesignException(ErrorCodes.RuntimeFailed, $"ONNX Runtime cannot load the model: {RuntimeMessage.Of(e)}", path);
        }
    }

    private static InferenceSession FromPrivateCopy(ModelProto model, ExternalDataStore store, SessionOptions options)
    {
        var folder = Directory.CreateTempSubdirectory("codesign-ort-");
        try
        {
            var file = Path.Combine(folder.FullName, "model.onnx");
            ModelSaver.Save(model, file, store, forceExternal: true);
            return new InferenceSession(file, options);
        }
        finally
        {
            // ORT has read (or mapped) the weights by now; the folder is ours alone and goes.
            try { folder.Delete(recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
