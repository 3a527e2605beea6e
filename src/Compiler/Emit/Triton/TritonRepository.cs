using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Compiler.Emit.Triton;

/// <summary>One part as a Triton model: where it lives in the output folder and its config.</summary>
public sealed record TritonModel(PlannedPart Part, TritonConfig Config)
{
    /// <summary>triton/DEVICE/MODEL: the model's folder, relative to the output folder, '/' between names.</summary>
    public string Folder => TritonRepository.ModelFolder(Part.File!, Part.Device);

    /// <summary>triton/DEVICE/MODEL/config.pbtxt.</summary>
    public string ConfigFile => Folder + "/" + TritonRepository.ConfigFileName;

    /// <summary>triton/DEVICE/MODEL/1: the model's only version.</summary>
    public string VersionFolder => Folder + "/" + TritonRepository.Version;

    /// <summary>triton/DEVICE/MODEL/1/model.plan (built on the device by build-engines.sh) or …/1/model.onnx (written by compile).</summary>
    public string ModelFile => VersionFolder + "/" + Config.DefaultModelFilename;

    /// <summary>Whether compile writes the model file itself (ONNX Runtime) rather than build-engines.sh (a TensorRT engine).</summary>
    public bool WrittenByCompile => Config.Platform == TritonConfig.OnnxRuntimePlatform;
}

/// <summary>
/// The layout of the Triton model repositories in a compile's output folder, one per device (Triton's
/// docs/user_guide/model_repository.md: a repository holds a folder per model with its config.pbtxt and a folder per
/// version holding the model file):
/// <code>
/// triton/DEVICE/MODEL/config.pbtxt
/// triton/DEVICE/MODEL/1/model.plan     (TensorRT: build-engines.sh DEVICE writes it)
/// triton/DEVICE/MODEL/1/model.onnx     (no TensorRT: compile writes the part here, with model.onnx.data beside it
///                                        when its weights are external: the ONNX Runtime backend loads external data
///                                        from the model's own folder)
/// </code>
/// MODEL is the part's file name without .onnx (part0, part1, …), unique in a plan. A relay part (no nodes, no file)
/// has no model: its device serves nothing and only forwards (DEPLOY.md says so), so it gets no repository.
/// </summary>
public static class TritonRepository
{
    public const string FolderName = "triton";
    public const string ConfigFileName = "config.pbtxt";
    public const string Version = "1";
    public const string EngineFileName = "model.plan";
    public const string OnnxFileName = "model.onnx";

    /// <summary>triton/DEVICE: the folder to start tritonserver with on that device.</summary>
    public static string DeviceFolder(DeviceProfile device) => FolderName + "/" + device.Name;

    /// <summary>part0.onnx → part0.</summary>
    public static string ModelName(string partFile) => Path.GetFileNameWithoutExtension(partFile);

    public static string ModelFolder(string partFile, DeviceProfile device) => DeviceFolder(device) + "/" + ModelName(partFile);

    /// <summary>Where build-engines.sh writes the engine of <paramref name="partFile"/> on <paramref name="device"/>: triton/DEVICE/MODEL/1/model.plan.</summary>
    public static string EngineFile(string partFile, DeviceProfile device) => $"{ModelFolder(partFile, device)}/{Version}/{EngineFileName}";

    /// <summary>The Triton model of each part with a file, in chain order.</summary>
    public static IReadOnlyList<TritonModel> Models(RealizedPlan plan) => plan.Parts
        .Where(p => p.Model is not null && p.File is not null)
        .Select(p => new TritonModel(p, TritonConfig.For(ModelName(p.File!), p.Model!, p.Device)))
        .ToList();
}
