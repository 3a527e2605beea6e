using BenchmarkDotNet.Attributes;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Benchmarks;

/// <summary>
/// Planning time against the number of devices (issue 9): the search compile runs after the model is
/// analysed (the Pareto front, the baselines and the first-cut sweep) for a 2,000-node Conv/Relu chain
/// over 2..9 devices and for ResNet-50 over 9, the devices being the first k of the built-in catalog.
/// The model's analysis is setup, not measured. PLANNING_BENCH_MAX_DEVICES caps the chain's device
/// counts, for timing a planner that is exponential in them.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class PlanningBenchmarks
{
    private StageCosts? _costs;

    public sealed record PlanningCase(string Model, int Devices)
    {
        public override string ToString() => $"{Model} x{Devices}";
    }

    public static IEnumerable<PlanningCase> Cases()
    {
        var cap = int.TryParse(Environment.GetEnvironmentVariable("PLANNING_BENCH_MAX_DEVICES"), out var c) ? c : 9;
        foreach (var k in Enumerable.Range(2, 8).Where(k => k <= cap)) yield return new PlanningCase("chain-2000", k);
        if (cap >= 9) yield return new PlanningCase("resnet50", 9);
    }

    [ParamsSource(nameof(Cases))]
    public PlanningCase Case { get; set; } = new("chain-2000", 2);

    [GlobalSetup]
    public void Setup()
    {
        var model = Case.Model == "resnet50" ? SampleModels.ResNet50() : ConvChain.Build(1000);
        using var source = LoadedModel.InMemory(model);
        var planning = PlanningModel.Build(source, Case.Model, ShapeBindings.Empty);
        var devices = DeviceCatalog.Builtin.Take(Case.Devices).ToList();
        _costs = new StageCosts(planning.Problem(devices, Precision.Fp16, LinkProfile.Default, Objective.Latency,
            CostModelKind.Roofline, 0, PlannerSettings.PriorAccuracyCost));
    }

    [Benchmark(Description = "plan search (front, baselines, sweep)")]
    public double Search() => PlanSearch.Run(_costs!).Chosen.Score.Latency;
}
