using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Triton;

/// <summary>
/// A device without TensorRT (raspberry-pi-5) serves its part in ONNX Runtime: onnxruntime_onnx on the CPU, with the
/// part itself in 1/model.onnx (and its external data beside it, under the name the model references); the paired
/// TensorRT device serves tensorrt_plan on the GPU, with 1/ left for the engine and no model.onnx in it.
/// </summary>
public sealed class TritonDeviceKindTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ADeviceWithoutTensorRtServesThePartInOnnxRuntimeAndATensorRtDeviceServesAnEngine()
    {
        var output = TritonFiles.Compile(_dir, "out", "--sample", "detector", "--devices", "raspberry-pi-5,rtx-4090");
        var parts = TritonFiles.Parts(output);
        Assert.Equal(["raspberry-pi-5", "rtx-4090"], parts.Select(p => p.Device));

        var pi = parts[0];
        Assert.Equal("onnxruntime_onnx", pi.Config.Scalar("platform"));
        Assert.Equal("onnxruntime", pi.Config.Scalar("backend"));
        Assert.Equal("model.onnx", pi.Config.Scalar("default_model_filename"));
        Assert.Equal("KIND_CPU", pi.Config.Messages("instance_group").Single().Scalar("kind"));
        Assert.Equal(["model.onnx"], Directory.GetFileSystemEntries(Path.Combine(pi.Folder, "1")).Select(Path.GetFileName));
        Assert.Equal(File.ReadAllBytes(Path.Combine(output, pi.File)), File.ReadAllBytes(Path.Combine(pi.Folder, "1", "model.onnx")));
        var script = File.ReadAllText(Path.Combine(output, "build-engines.sh"));
        Assert.DoesNotContain("--saveEngine=triton/raspberry-pi-5", script);

        var gpu = parts[1];
        Assert.Equal("tensorrt_plan", gpu.Config.Scalar("platform"));
        Assert.Equal("tensorrt", gpu.Config.Scalar("backend"));
        Assert.Equal("model.plan", gpu.Config.Scalar("default_model_filename"));
        Assert.Equal("KIND_GPU", gpu.Config.Messages("instance_group").Single().Scalar("kind"));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(gpu.Folder, "1")));
        Assert.Contains("--saveEngine=triton/rtx-4090/part1/1/model.plan", script);

        var deploy = File.ReadAllText(Path.Combine(output, "DEPLOY.md"));
        Assert.DoesNotContain("./build-engines.sh raspberry-pi-5", deploy);
        Assert.Contains("tritonserver --model-repository=triton/raspberry-pi-5\n", deploy);
        Assert.Contains("./build-engines.sh rtx-4090", deploy);
    }

    [Fact]
    public void AnOnnxRuntimeModelWithExternalWeightsHasItsDataFileBesideItAndRunsAsThePart()
    {
        var model = _dir.File(Path.Combine("models", "net.onnx"));
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        ModelSaver.Save(SampleModels.RepVggGrouped(), model, forceExternal: true);
        // The pi takes the tail, which holds most of the weights.
        var output = TritonFiles.Compile(_dir, "out", model, "--devices", "rtx-4090,raspberry-pi-5");
        var pi = TritonFiles.Parts(output).First(p => p.Device == "raspberry-pi-5");
        var version = Path.Combine(pi.Folder, "1");
        Assert.Equal(["model.onnx", "model.onnx.data"], Directory.GetFiles(version).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        using var served = ModelLoader.Load(Path.Combine(version, "model.onnx"));
        var locations = ModelLoader.AllTensors(served.Model).Where(ExternalDataReference.IsExternal)
            .Select(t => t.ExternalData.Single(e => e.Key == "location").Value).Distinct().ToList();
        Assert.Equal(["model.onnx.data"], locations);

        using var part = ModelLoader.Load(Path.Combine(output, pi.File));
        var input = pi.Config.Messages("input").Single();
        var dims = input.Longs("dims").ToArray();
        var random = new Random(3);
        var values = new float[TensorData.ElementCountOf(dims)];
        for (var i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble();
        var type = TritonSchema.OnnxTypes[input.Scalar("data_type")];
        var sample = new Dictionary<string, TensorData> { [input.Scalar("name")] = TensorData.FromFloats(values, dims).ConvertTo(type)! };
        using var servedSession = new OrtModel(served);
        using var partSession = new OrtModel(part);
        var expected = partSession.Run(sample);
        var actual = servedSession.Run(sample);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, t) in expected) Assert.Equal(t.Bytes, actual[name].Bytes);
    }
}
