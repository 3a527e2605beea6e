using System.Text.Json;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;
using OnnxCoDesign.Tests.Verification;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>
/// compile --input-format uint8: the model takes the camera's frame, one byte per pixel, and part 0 normalizes it;
/// the boundary-0 crossing (the "all on the second device" baseline) costs a quarter of the float32 one.
/// </summary>
public sealed class CameraInputCompileTests : IDisposable
{
    private const string ImageNet = "mean=0.485,0.456,0.406,std=0.229,0.224,0.225";

    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static JsonElement Baseline(JsonElement plan, string name) =>
        plan.GetProperty("baselines").EnumerateArray().Single(b => b.GetProperty("name").GetString() == name).GetProperty("plan");

    [Fact]
    public void Uint8InputShipsOneBytePerPixelAtBoundaryZeroAndTheChainVerifiesAgainstTheFloatOriginal()
    {
        var floatRun = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("f"), "--json", "-");
        var output = _dir.File("u");
        var camera = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", output, "--input-format", "uint8", "--preprocess", ImageNet, "--verify");
        Assert.Equal(0, floatRun.ExitCode);
        Assert.Equal(0, camera.ExitCode);
        Assert.Contains("PASS", camera.Out);
        using var f = JsonDocument.Parse(floatRun.Out);
        using var u = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));

        Assert.Equal("float32", f.RootElement.GetProperty("inputFormat").GetString());
        Assert.Equal(JsonValueKind.Null, f.RootElement.GetProperty("inputNormalization").ValueKind);
        Assert.Equal("uint8", u.RootElement.GetProperty("inputFormat").GetString());
        var n = u.RootElement.GetProperty("inputNormalization");
        Assert.Equal("input", n.GetProperty("input").GetString());
        Assert.Equal([0.485, 0.456, 0.406], n.GetProperty("mean").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.229, 0.224, 0.225], n.GetProperty("std").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(1.0 / 255, n.GetProperty("scale").GetDouble(), 1e-9);

        // Boundary 0: the model's input crossing to the first device.
        Assert.Equal(602112, f.RootElement.GetProperty("sweep")[0].GetProperty("crossingBytes").GetInt64());
        Assert.Equal(150528, u.RootElement.GetProperty("sweep")[0].GetProperty("crossingBytes").GetInt64());
        var part0 = u.RootElement.GetProperty("parts")[0];
        var input = part0.GetProperty("inputs").EnumerateArray().Single();
        Assert.Equal("uint8", input.GetProperty("type").GetString());
        Assert.Equal(150528, input.GetProperty("bytes").GetInt64());

        // All on the Xavier NX ships the whole input over 100 Mbps: 602,112 B is 48.17 ms, 150,528 B a quarter of it.
        var floatShip = Baseline(f.RootElement, "all on jetson-xavier-nx").GetProperty("transfersMs")[0].GetDouble();
        var cameraShip = Baseline(u.RootElement, "all on jetson-xavier-nx").GetProperty("transfersMs")[0].GetDouble();
        Assert.Equal(602112 * 8 / 100e6 * 1e3, floatShip, 0.01);
        Assert.Equal(floatShip / 4, cameraShip, 0.01);

        // Part 0 takes the pixels and holds the normalization: its first nodes cast and normalize them.
        using var model = ModelLoader.Load(Path.Combine(output, part0.GetProperty("file").GetString()!));
        var graphInput = Assert.Single(model.Model.Graph.Input, i => i.Name == "input");
        Assert.Equal(ElementType.UInt8, graphInput.Type.TensorType.ElemType);
        Assert.Equal(["Cast", "Mul", "Sub", "Div"], model.Model.Graph.Node.Take(4).Select(x => x.OpType));
        Assert.Contains("input format uint8", camera.Out);
    }

    [Fact]
    public void Uint8CalibrationFramesQuantizeAnInt8FirstPartThatTakesTheFrame()
    {
        // The model normalizes its frames, so data sets feed it their uint8 samples as they are.
        var random = new Random(3);
        var frames = new byte[2 * 3 * 224 * 224];
        random.NextBytes(frames);
        var calibration = _dir.Write("frames.npy", NpyBytes.Write("|u1", [2, 3, 224, 224], frames));
        var output = _dir.File("q");
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", output, "--devices", "jetson-xavier-nx,jetson-nano", "--precision", "int8",
            "--input-format", "uint8", "--preprocess", ImageNet, "--calibration", calibration, "--json", "-");

        Assert.Equal(0, run.ExitCode);
        using var plan = JsonDocument.Parse(run.Out);
        var part0 = plan.RootElement.GetProperty("parts")[0];
        Assert.Equal("int8", part0.GetProperty("precision").GetString());
        Assert.Equal("uint8", part0.GetProperty("inputs")[0].GetProperty("type").GetString());
        using var model = ModelLoader.Load(Path.Combine(output, part0.GetProperty("file").GetString()!));
        Assert.Equal(ElementType.UInt8, model.Model.Graph.Input.Single(i => i.Name == "input").Type.TensorType.ElemType);
        Assert.Contains(model.Model.Graph.Node, x => x.OpType == "QuantizeLinear");
    }

    [Fact]
    public void Float32CalibrationDataForAUint8InputIsRefusedNamingTheFile()
    {
        var calibration = CalibrationFiles.ForSample(_dir, "repvgg-a0", count: 1);
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("c"), "--devices", "jetson-xavier-nx,jetson-nano", "--precision", "int8",
            "--input-format", "uint8", "--preprocess", ImageNet, "--calibration", calibration);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("OCD1522", run.Error);
        Assert.Contains("repvgg-a0-calibration.npy", run.Error);
    }

    [Fact]
    public void ResizeOrCropWithAUint8InputIsAUsageError()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("r"), "--input-format", "uint8", "--preprocess", "resize=256,crop=224," + ImageNet);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("resize and crop do not apply", run.Error);
        Assert.False(Directory.Exists(_dir.File("r")));
    }

    [Fact]
    public void AnUnknownInputFormatIsAUsageError()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("x"), "--input-format", "int8");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--input-format 'int8' is not one of float, uint8", run.Error);
    }

    [Fact]
    public void MeanValuesThatDoNotMatchTheChannelsAreOCD1532NamingTheInputAndNothingIsWritten()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("m"), "--input-format", "uint8", "--preprocess", "mean=0.5,0.5,std=0.25");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("OCD1532", run.Error);
        Assert.Contains("input 'input' has 3 channels but mean gives 2 values", run.Error);
        Assert.False(Directory.Exists(_dir.File("m")));
    }

    [Fact]
    public void PreprocessWithoutDataIsStillRefusedForAFloatInput()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", _dir.File("p"), "--preprocess", ImageNet);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--preprocess applies to --calibration or --validation data", run.Error);
    }
}
