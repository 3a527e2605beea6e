using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Benchmarks;

/// <summary>
/// RepVGG-A0 (train form, BN as its own nodes, as PyTorch exports it) against its fuse-branches rewrites,
/// in ONNX Runtime with every graph optimization enabled and one intra-op thread, on one 1×3×224×224 input.
/// ORT itself folds Conv+BN, so the gain measured is the branch fusion's own.
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class FusedInferenceBenchmarks
{
    private InferenceSession? _session;
    private OrtValue? _input;
    private string _inputName = "", _outputName = "";

    [Params("original", "S1", "S2", "S3", "S4")]
    public string Model { get; set; } = "original";

    [GlobalSetup]
    public void Setup()
    {
        var original = LoadedModel.InMemory(SampleModels.RepVggA0());
        var model = Model == "original"
            ? original.Model
            : FusePipeline.Run(original, "repvgg-a0", new StrategyPlan(FusionStrategies.Parse(Model)), ShapeBindings.Empty).Fused.Model;
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _session = new InferenceSession(ModelBytes.ToArray(model), options);
        _inputName = _session.InputNames[0];
        _outputName = _session.OutputNames[0];
        var data = Enumerable.Range(0, 3 * 224 * 224).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        _input = OrtValue.CreateTensorValueFromMemory(data, [1, 3, 224, 224]);
    }

    [Benchmark]
    public float Run()
    {
        using var options = new RunOptions();
        using var outputs = _session!.Run(options, [_inputName], [_input!], [_outputName]);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session?.Dispose();
        _input?.Dispose();
    }
}
