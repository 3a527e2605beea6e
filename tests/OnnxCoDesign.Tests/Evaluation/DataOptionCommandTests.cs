using System.IO.Compression;
using System.Text.Json;
using OnnxCoDesign.Tests.Support;
using OnnxCoDesign.Tests.Verification;

namespace OnnxCoDesign.Tests.Evaluation;

/// <summary>
/// fuse's and verify's data options, and evaluate's refusals, on the Fashion-MNIST RepVGG with a small validation
/// set cut from the test split into .npy files (uint8 images, uint8 labels), which also exercises that format.
/// </summary>
public sealed class DataOptionCommandTests : IDisposable
{
    private const int Samples = 300;
    private readonly ScratchDirectory _dir = new();
    private readonly string _images;
    private readonly string _labels;

    public DataOptionCommandTests()
    {
        _images = _dir.Write("images.npy", NpyBytes.Write("|u1", [Samples, FashionMnist.Side, FashionMnist.Side], Idx(FashionMnist.TestImages, 16, Samples * 28 * 28)));
        _labels = _dir.Write("labels.npy", NpyBytes.Write("|u1", [Samples], Idx(FashionMnist.TestLabels, 8, Samples)));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The first <paramref name="count"/> bytes after an IDX file's header.</summary>
    private static byte[] Idx(string path, int header, int count)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var bytes = new byte[header + count];
        gz.ReadExactly(bytes);
        return bytes[header..];
    }

    private string[] Validation => ["--validation", _images, "--labels", _labels, "--preprocess", FashionMnist.Preprocess];

    private static JsonDocument Json(int exit, params string[] args)
    {
        var run = CliRun.Of([.. args, "--json", "-"]);
        Assert.True(run.ExitCode == exit, run.Error);
        return JsonDocument.Parse(run.Out);
    }

    [Fact]
    public void FuseWritesAQdqModelScoresItAndVerifyScoresTheWrittenFileTheSame()
    {
        var written = _dir.File("s2-int8.onnx");
        using var fuse = Json(0, ["fuse", FashionMnist.Model, "-o", written, "--strategy", "S2", "--precision", "int8",
            "--calibration", FashionMnist.TrainImages, "--calibration-samples", "64", .. Validation]);
        var q = fuse.RootElement.GetProperty("quantization");
        Assert.Equal(64, q.GetProperty("samples").GetInt64());
        Assert.True(q.GetProperty("activations").GetInt32() > 0);
        var model = Passes.Loading.ModelLoader.Load(written).Model;
        Assert.Equal(q.GetProperty("activations").GetInt32(), model.Graph.Node.Count(n => n.OpType == "QuantizeLinear"));
        var fused = fuse.RootElement.GetProperty("evaluation").GetProperty("models");
        Assert.Equal(Samples, fuse.RootElement.GetProperty("evaluation").GetProperty("samples").GetInt64());

        // verify exits 3 (int8 is not within 1e-4 of fp32) and scores the file as written: the same top-1.
        using var verify = Json(3, ["verify", FashionMnist.Model, written, .. Validation]);
        var verified = verify.RootElement.GetProperty("evaluation").GetProperty("models");
        Assert.Equal(fused[0].GetProperty("top1").GetDouble(), verified[0].GetProperty("top1").GetDouble());
        Assert.Equal(fused[1].GetProperty("top1").GetDouble(), verified[1].GetProperty("top1").GetDouble());
    }

    [Fact]
    public void VerifyCalibrationQuantizesTheRewrittenModelForScoringOnly()
    {
        var fp32 = _dir.File("s1.onnx");
        Assert.Equal(0, CliRun.Of("fuse", FashionMnist.Model, "-o", fp32).ExitCode);
        using var verify = Json(0, ["verify", FashionMnist.Model, fp32, "--precision", "int8", "--calibration", FashionMnist.TrainImages,
            "--calibration-samples", "64", .. Validation]);
        Assert.True(verify.RootElement.GetProperty("passed").GetBoolean()); // the file itself is the exact fp32 rewrite
        var models = verify.RootElement.GetProperty("evaluation").GetProperty("models");
        Assert.Equal("int8", models[1].GetProperty("precision").GetString());
        Assert.NotEqual(0.0, models[1].GetProperty("deviation")[0].GetProperty("relativeL2").GetDouble());
    }

    [Theory]
    [InlineData("evaluate", "--precision", "int8", "--plan", "p.json")]
    [InlineData("evaluate", "--labels", "l.npy")]
    [InlineData("verify", "--calibration", "c.npy", "--validation", "v.npy")]
    [InlineData("fuse", "-o", "out.onnx", "--calibration", "c.npy")]
    [InlineData("evaluate", "--validation", "v.npy", "--calibration-method", "entropy")]
    public void DataOptionsThatCannotGoTogetherAreUsageErrors(string command, params string[] args)
    {
        var model = FashionMnist.Model;
        var run = command == "verify" ? CliRun.Of([command, model, model, .. args]) : CliRun.Of([command, model, .. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("OCD1401", run.Error);
    }

    [Fact]
    public void Int8WithoutCalibrationDataIsRefusedWithItsCode()
    {
        var run = CliRun.Of(["evaluate", FashionMnist.Model, .. Validation, "--precision", "int8"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1856", run.Error);
    }

    [Fact]
    public void APlanWithoutLabelsOrAnOriginalIsRefused()
    {
        var output = _dir.File("plan");
        Assert.Equal(0, CliRun.Of("compile", FashionMnist.Model, "-o", output, "--precision", "fp32", "--devices", "jetson-xavier-nx,rtx-4090").ExitCode);
        var run = CliRun.Of("evaluate", "--plan", Path.Combine(output, "plan.json"), "--validation", _images, "--preprocess", FashionMnist.Preprocess);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1854", run.Error);
    }

    [Fact]
    public void AnImageFolderScoresTheSameAsTheSameImagesAsNpy()
    {
        // The slice's images as grey PNGs in class sub-folders 0..9 (ordinal order = class id): labels from the folders.
        var pixels = Idx(FashionMnist.TestImages, 16, Samples * 28 * 28);
        var labels = Idx(FashionMnist.TestLabels, 8, Samples);
        for (var i = 0; i < Samples; i++)
        {
            var image = pixels.AsSpan(i * 28 * 28, 28 * 28).ToArray();
            _dir.Write($"images/{labels[i]}/{i:D4}.png", Data.DataFiles.Image(28, 28, (x, y) => new SkiaSharp.SKColor(image[y * 28 + x], image[y * 28 + x], image[y * 28 + x])));
        }
        using var folder = Json(0, ["evaluate", FashionMnist.Model, "--validation", _dir.File("images"), "--preprocess", FashionMnist.Preprocess]);
        using var npy = Json(0, ["evaluate", FashionMnist.Model, .. Validation]);
        Assert.Equal("(class sub-folders)", folder.RootElement.GetProperty("labels").GetString());
        Assert.Equal(Samples, folder.RootElement.GetProperty("samples").GetInt64());
        Assert.Equal(npy.RootElement.GetProperty("models")[0].GetProperty("top1").GetDouble(), folder.RootElement.GetProperty("models")[0].GetProperty("top1").GetDouble());
        Assert.Equal(npy.RootElement.GetProperty("models")[0].GetProperty("top5").GetDouble(), folder.RootElement.GetProperty("models")[0].GetProperty("top5").GetDouble());
    }
}
