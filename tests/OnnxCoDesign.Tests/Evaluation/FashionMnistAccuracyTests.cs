using System.Text.Json;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Evaluation;

/// <summary>
/// Real accuracy on real data: the small RepVGG trained on Fashion-MNIST (tests/data/fashion-repvgg), scored on
/// the 10,000 test images of Debian's dataset-fashion-mnist, which .ci/run installs. Calibration uses the first
/// 512 images of the training split, never the test split.
/// </summary>
public sealed class FashionMnistAccuracyTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Validation = ["--validation", FashionMnist.TestImages, "--labels", FashionMnist.TestLabels, "--preprocess", FashionMnist.Preprocess];

    private static readonly string[] Calibration = ["--calibration", FashionMnist.TrainImages, "--calibration-samples", "512"];

    private static JsonDocument Json(params string[] args)
    {
        var run = CliRun.Of([.. args, "--json", "-"]);
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(run.Out);
    }

    private static double Top1(JsonDocument evaluate, string role) =>
        evaluate.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("role").GetString() == role).GetProperty("top1").GetDouble();

    [Fact]
    public void TheOriginalsTop1OnTheTestImagesIsWhatPyTorchMeasuredWhenItTrainedIt()
    {
        using var doc = Json(["evaluate", FashionMnist.Model, .. Validation]);
        Assert.Equal(FashionMnist.TestCount, doc.RootElement.GetProperty("samples").GetInt64());
        Assert.Equal("logits", doc.RootElement.GetProperty("scoredOutput").GetString());
        // Another runtime (ORT against PyTorch) and another reader and normalization: the same images classified.
        Assert.InRange(Top1(doc, "original"), FashionMnist.PyTorchTop1() - 0.05, FashionMnist.PyTorchTop1() + 0.05);
        // The candidate by default is the model fused S1 at fp32: re-parameterization is exact.
        Assert.Equal(Top1(doc, "original"), Top1(doc, "candidate"));
    }

    [Theory]
    [InlineData("S2")]
    [InlineData("S4")]
    public void Int8QdqOfTheStrategiesThatKeepTheIdentityIsWithinOnePointOfFp32(string strategy)
    {
        using var doc = Json(["evaluate", FashionMnist.Model, .. Validation, .. Calibration, "--precision", "int8", "--strategy", strategy]);
        var drop = doc.RootElement.GetProperty("models")[1].GetProperty("drop").GetDouble();
        Assert.Equal(Top1(doc, "original") - Top1(doc, "candidate"), drop, 3);
        Assert.InRange(drop, -1.0, 1.0);
        Assert.True(doc.RootElement.GetProperty("seconds").GetProperty("calibration").GetDouble() > 0);
    }

    [Fact]
    public void AnFp32PlanScoresExactlyTheOriginalsTop1()
    {
        var output = _dir.File("fp32");
        var compile = CliRun.Of("compile", FashionMnist.Model, "-o", output, "--devices", "jetson-xavier-nx,rtx-4090", "--precision", "fp32", "--link", "1Gbps");
        Assert.True(compile.ExitCode == 0, compile.Error);
        using var doc = Json(["evaluate", FashionMnist.Model, "--plan", Path.Combine(output, "plan.json"), .. Validation]);
        Assert.Equal(Top1(doc, "original"), Top1(doc, "plan"));
    }

    [Fact]
    public void AnInt8PlanScoresWhatItsQdqPartsRunByHandScoreAndWhatCompileMeasured()
    {
        var output = _dir.File("int8");
        using var plan = Json(["compile", FashionMnist.Model, "-o", output, "--devices", "jetson-xavier-nx,rtx-4090", "--precision", "int8",
            "--link", "1Gbps", .. Calibration, .. Validation, "--accuracy", "measured", "--sensitivity-samples", "500", "--max-accuracy-drop", "0.5"]);
        var accuracy = plan.RootElement.GetProperty("accuracy");
        Assert.Equal("top-1 drop (points)", accuracy.GetProperty("metric").GetString());
        Assert.Equal(FashionMnist.TestCount, accuracy.GetProperty("samples").GetInt64());
        Assert.InRange(accuracy.GetProperty("measured").GetDouble(), double.NegativeInfinity, 0.5);
        Assert.True(accuracy.TryGetProperty("predicted", out _));
        Assert.NotEmpty(accuracy.GetProperty("sensitivity").EnumerateArray());
        // The report shows the predicted drop beside the measured one.
        var report = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains($"<dt>accuracy, predicted</dt><dd>{accuracy.GetProperty("predicted").GetDouble().ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} (top-1 drop (points))", report);
        Assert.Contains($"<dt>accuracy, measured</dt><dd>{accuracy.GetProperty("measured").GetDouble().ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} (top-1 drop (points), 10000 samples", report);

        // The parts by hand: loaded from the folder, fed by name in order, argmax against the labels.
        var parts = plan.RootElement.GetProperty("parts").EnumerateArray().Where(p => p.GetProperty("file").ValueKind == JsonValueKind.String)
            .Select(p => ModelLoader.Load(Path.Combine(output, p.GetProperty("file").GetString()!))).ToList();
        Assert.Contains(parts, p => p.Model.Graph.Node.Any(n => n.OpType == "QuantizeLinear"));
        var sessions = parts.Select(p => new OrtModel(p)).ToList();
        long correct = 0;
        using (var data = DataSets.Open(FashionMnist.TestImages, InputSignature.Of(parts[0].Model), Compiler.Data.Preprocess.Parse(FashionMnist.Preprocess), FashionMnist.TestLabels))
        {
            foreach (var batch in data.Batches(1))
            {
                var table = new Dictionary<string, TensorData>(batch.Inputs);
                foreach (var s in sessions) foreach (var (name, value) in s.Run(table.Where(t => s.InputNames.Contains(t.Key)).ToDictionary())) table[name] = value;
                var logits = table["logits"].ToDoubles();
                if (Array.IndexOf(logits, logits.Max()) == batch.Labels![0]) correct++;
            }
        }
        foreach (var s in sessions) s.Dispose();
        foreach (var p in parts) p.Dispose();

        using var doc = Json(["evaluate", FashionMnist.Model, "--plan", Path.Combine(output, "plan.json"), .. Validation]);
        Assert.Equal(100.0 * correct / FashionMnist.TestCount, Top1(doc, "plan"), 4);
        Assert.Equal(accuracy.GetProperty("original").GetDouble(), Top1(doc, "original"), 4);
        Assert.Equal(accuracy.GetProperty("measured").GetDouble(), Top1(doc, "original") - Top1(doc, "plan"), 3);
    }
}
