using System.Text.Json;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Quantization;
using OnnxCoDesign.Tests.Support;
using OnnxCoDesign.Tests.Verification;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>int8 parts as compile writes them: QDQ models, their opset raised where per-channel Q/DQ needs it, and the plan saying so.</summary>
public sealed class Int8CompileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Calibration()
    {
        var data = MemoryDataSet.Uniform(QuantizeModels.X, [4, 8, 8], 8);
        var values = data.Batches(8).Single().Inputs[QuantizeModels.X].ToDoubles().Select(v => (float)v).ToArray();
        return _dir.Write("calibration.npy", NpyBytes.Float32(values, 8, 4, 8, 8));
    }

    [Fact]
    public void AnOpset11ModelsInt8PartsAreRaisedTo13AndThePlanSaysFromWhich()
    {
        var model = _dir.File("opset11.onnx");
        var proto = QuantizeModels.ConvResidualGemm();
        proto.OpsetImport.Single(o => o.Domain == "").Version = 11;
        ModelSaver.Save(proto, model);
        var output = _dir.File("out");
        var run = CliRun.Of("compile", model, "-o", output, "--devices", "jetson-xavier-nx,rtx-4090", "--precision", "int8", "--calibration", Calibration(), "--json", "-");
        Assert.True(run.ExitCode == 0, run.Error);
        using var plan = JsonDocument.Parse(run.Out);
        var raised = 0;
        foreach (var part in plan.RootElement.GetProperty("parts").EnumerateArray().Where(p => p.GetProperty("file").ValueKind == JsonValueKind.String))
        {
            Assert.Equal("int8", part.GetProperty("precision").GetString());
            var written = ModelLoader.Load(Path.Combine(output, part.GetProperty("file").GetString()!)).Model;
            var opset = written.OpsetImport.Single(o => o.Domain is "" or "ai.onnx").Version;
            var quantized = written.Graph.Node.Any(n => n.OpType == "DequantizeLinear");
            Assert.Equal(quantized ? 13 : 11, opset);
            Assert.Equal(quantized ? 11 : null, part.TryGetProperty("opsetRaisedFrom", out var from) ? from.GetInt64() : (long?)null);
            if (quantized) raised++;
        }
        Assert.True(raised > 0, "no part was quantized");
    }

    [Fact]
    public void AnOpset13ModelsInt8PartsKeepTheirOpsetAndThePlanHasNoRaise()
    {
        var model = _dir.File("opset13.onnx");
        ModelSaver.Save(QuantizeModels.ConvResidualGemm(), model);
        var output = _dir.File("out");
        var run = CliRun.Of("compile", model, "-o", output, "--devices", "jetson-xavier-nx,rtx-4090", "--precision", "int8", "--calibration", Calibration(), "--json", "-");
        Assert.True(run.ExitCode == 0, run.Error);
        using var plan = JsonDocument.Parse(run.Out);
        var parts = plan.RootElement.GetProperty("parts").EnumerateArray().Where(p => p.GetProperty("file").ValueKind == JsonValueKind.String).ToList();
        Assert.Contains(parts, p => ModelLoader.Load(Path.Combine(output, p.GetProperty("file").GetString()!)).Model.Graph.Node.Any(n => n.OpType == "QuantizeLinear"));
        Assert.All(parts, p => Assert.False(p.TryGetProperty("opsetRaisedFrom", out _)));
    }

    [Fact]
    public void VerifyChecksInt8PartsInTheirFp32FormAndTheQdqPartsAreWritten()
    {
        var model = _dir.File("m.onnx");
        ModelSaver.Save(QuantizeModels.ConvResidualGemm(), model);
        var output = _dir.File("out");
        var run = CliRun.Of("compile", model, "-o", output, "--devices", "jetson-xavier-nx,rtx-4090", "--precision", "int8", "--calibration", Calibration(), "--verify");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("int8 parts in their fp32 form", run.Out);
        Assert.Contains(Directory.GetFiles(output, "part*.onnx"), f => ModelLoader.Load(f).Model.Graph.Node.Any(n => n.OpType == "QuantizeLinear"));
    }
}
