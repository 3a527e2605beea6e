using BenchmarkDotNet.Attributes;
using Onnx;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Benchmarks;

/// <summary>
/// analyze on the builder's ResNet-50 (about 100 MB of fp32 weights) against simply reading the file.
/// The baseline is File.ReadAllBytes; the ratios are what the note reports.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class AnalyzeBenchmarks
{
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "codesign-bench-resnet50.onnx");
        if (!File.Exists(_path)) ModelSaver.Save(SampleModels.ResNet50(), _path);
    }

    [Benchmark(Baseline = true, Description = "read the file")]
    public int ReadFile() => File.ReadAllBytes(_path).Length;

    [Benchmark(Description = "protobuf parse (stream)")]
    public int Parse()
    {
        using var stream = File.OpenRead(_path);
        return ModelProto.Parser.ParseFrom(stream).Graph.Node.Count;
    }

    [Benchmark(Description = "load (parse + checks)")]
    public int Load()
    {
        using var model = ModelLoader.Load(_path);
        return model.Model.Graph.Node.Count;
    }

    [Benchmark(Description = "analyze (load, verify, shapes, cost)")]
    public long Analyze()
    {
        using var model = ModelLoader.Load(_path);
        return ModelAnalysis.Run(model, "resnet50", ShapeBindings.Empty).Cost.Flops;
    }
}
