using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>
/// The planner's kernel-level part times are what the part's own kernels cost: for every cut of ResNet-50 and of
/// RepVGG-A0 (every strategy), the part before the cut on the Nano and the part after it on the Xavier NX equal
/// Σ KernelTime over the kernels of exactly those nodes, grouped as a model of their own — so a cut that splits a
/// Conv+Add+Relu kernel pays two launches and the crossing tensor on both sides, and one that does not pays nothing
/// extra. At node level the same parts are Σ RooflineTime over their nodes.
/// </summary>
public sealed class KernelPartCostTests
{
    private static readonly DeviceProfile Nano = DeviceCatalog.Find("jetson-nano")!;
    private static readonly DeviceProfile Nx = DeviceCatalog.Find("jetson-xavier-nx")!;

    private static readonly Lazy<PlanningModel> ResNet = new(() =>
        PlanningModel.Build(LoadedModel.InMemory(SampleModels.ResNet50()), "resnet50", ShapeBindings.Empty));

    private static readonly Lazy<PlanningModel> RepVgg = new(() =>
        PlanningModel.Build(LoadedModel.InMemory(SampleModels.RepVggA0()), "repvgg-a0", ShapeBindings.Empty));

    private static StageCosts Costs(PlanningModel planning, CostGranularity granularity) =>
        new(planning.Problem([Nano, Nx], Precision.Fp16, LinkProfile.Default, Objective.Latency, CostModelKind.Roofline, 0,
            PlannerSettings.PriorAccuracyCost, granularity: granularity));

    /// <summary>Σ KernelTime over the kernels of units first..last of variant s, grouped on their own.</summary>
    private static double PartKernels(PlanningModel planning, int s, int first, int last, DeviceProfile device)
    {
        var v = planning.Variants[s];
        var nodes = Enumerable.Range(first, last - first + 1).SelectMany(u => v.NodesOf(planning.Units[u], planning.BlockNodes))
            .Select(v.Node).OrderBy(n => n.Order).ToList();
        var grouping = v.Grouping(KernelTime.RulesFor(device)).Grouping;
        return grouping.Group(nodes).Sum(k => KernelTime.Seconds(k, device, Precision.Fp16));
    }

    public static TheoryData<string, int> Models() => new() { { "resnet50", 0 }, { "repvgg-a0", 0 }, { "repvgg-a0", 1 }, { "repvgg-a0", 3 } };

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryCutsPartsCostTheirOwnKernels(string model, int strategy)
    {
        var planning = model == "resnet50" ? ResNet.Value : RepVgg.Value;
        var costs = Costs(planning, CostGranularity.Kernel);
        var fused = (FusionStrategy)(strategy + 1);
        var n = planning.Units.Count;
        var split = 0;
        for (var c = 0; c < n - 1; c++)
        {
            var before = costs.Stage(0, fused, 0, c);
            var after = costs.Stage(1, fused, c + 1, n - 1);
            var expectBefore = PartKernels(planning, strategy, 0, c, Nano);
            var expectAfter = PartKernels(planning, strategy, c + 1, n - 1, Nx);
            Assert.True(Math.Abs(expectBefore - before) < 1e-12, $"{model} {fused}: cut after unit {c} ({planning.Units[c].Name}): part 0 {before} s, its kernels {expectBefore} s");
            Assert.True(Math.Abs(expectAfter - after) < 1e-12, $"{model} {fused}: cut after unit {c} ({planning.Units[c].Name}): part 1 {after} s, its kernels {expectAfter} s");
            if (costs.Problem.SecondsBeforeCut![0][strategy][c + 1] != 0) split++;
        }
        Assert.Equal(PartKernels(planning, strategy, 0, n - 1, Nano), costs.Stage(0, fused, 0, n - 1), 12);
        // The check is not vacuous: some candidate cuts do split a kernel (between a conv and its activation, say).
        Assert.True(split > 0, $"{model}: no cut splits a kernel");
    }

    /// <summary>A host running ONNX Runtime with AVX-512's NCHWc block: the Raspberry Pi 5's figures, which are round.</summary>
    private static readonly DeviceProfile Host = DeviceCatalog.Find("raspberry-pi-5")! with { NchwcBlock = 16 };

    private static StageCosts HostCosts(PlanningModel planning, DeviceProfile host) =>
        new(planning.Problem([host, host], Precision.Fp32, LinkProfile.Default, Objective.Latency, CostModelKind.Roofline, 0,
            PlannerSettings.PriorAccuracyCost));

    /// <summary>Σ KernelTime over the kernels and the layout reorders of units first..last of variant s, run as a model of their own.</summary>
    private static double PartKernelsAndReorders(PlanningModel planning, int s, int first, int last, DeviceProfile device)
    {
        var v = planning.Variants[s];
        var nodes = Enumerable.Range(first, last - first + 1).SelectMany(u => v.NodesOf(planning.Units[u], planning.BlockNodes))
            .Select(v.Node).OrderBy(n => n.Order).ToList();
        var rules = KernelTime.RulesFor(device);
        return v.Grouping(rules).Grouping.Group(nodes).Concat(LayoutReorders.Of(v.Graph, v.Shapes, nodes, rules.NchwcBlock))
            .Sum(k => KernelTime.Seconds(k, device, Precision.Fp32));
    }

    [Theory]
    [InlineData("resnet50")]
    [InlineData("repvgg-a0")]
    public void OnAnNchwcHostEveryCutsPartsPayTheirOwnLayoutReorders(string model)
    {
        var planning = model == "resnet50" ? ResNet.Value : RepVgg.Value;
        var costs = HostCosts(planning, Host);
        var n = planning.Units.Count;
        for (var c = 0; c < n - 1; c++)
        {
            var before = costs.Stage(0, FusionStrategy.S1, 0, c);
            var after = costs.Stage(1, FusionStrategy.S1, c + 1, n - 1);
            Assert.True(Math.Abs(PartKernelsAndReorders(planning, 0, 0, c, Host) - before) < 1e-12, $"{model}: cut after unit {c}: part 0 {before} s");
            Assert.True(Math.Abs(PartKernelsAndReorders(planning, 0, c + 1, n - 1, Host) - after) < 1e-12, $"{model}: cut after unit {c}: part 1 {after} s");
        }
        var whole = PartKernelsAndReorders(planning, 0, 0, n - 1, Host);
        Assert.Equal(whole, costs.Stage(0, FusionStrategy.S1, 0, n - 1), 12);
        // The whole model as ModelPrediction sees it: the same kernels and the same reorders at its own input and output.
        Assert.Equal(whole, ModelPrediction.Seconds(planning.Fuse(new StrategyPlan(FusionStrategy.S1)).Analysis, Host, Precision.Fp32), 12);
    }

    [Fact]
    public void TheRepVggStemPartPaysAReorderOfItsOutputByHand()
    {
        var planning = RepVgg.Value;
        var plain = HostCosts(planning, Host with { NchwcBlock = 0 });
        var blocked = HostCosts(planning, Host);
        // The part holding only the fused stem conv (3→48, 3×3/2 on 224²): ONNX Runtime runs it reading NCHW and
        // reorders its 1×48×112×112 output back to NCHW, reading what the conv just wrote from cache: its write,
        // 2,408,448 bytes, over 17.07 GB/s · 0.6, plus 10 µs.
        var bytes = 48.0 * 112 * 112 * 4;
        var reorder = bytes / (17.07e9 * 0.6) + 10e-6;
        Assert.Equal(reorder, blocked.Stage(0, FusionStrategy.S1, 0, 0) - plain.Stage(0, FusionStrategy.S1, 0, 0), 12);
    }

    [Fact]
    public void DontReorderOnTensorRtDevicesEvenWithAnNchwcBlock()
    {
        var planning = ResNet.Value;
        var n = planning.Units.Count;
        var plain = HostCosts(planning, Nano);
        var withBlock = HostCosts(planning, Nano with { NchwcBlock = 16 });
        for (var c = 0; c < n - 1; c++)
        {
            Assert.Equal(plain.Stage(0, FusionStrategy.S1, 0, c), withBlock.Stage(0, FusionStrategy.S1, 0, c));
            Assert.Equal(plain.Stage(1, FusionStrategy.S1, c + 1, n - 1), withBlock.Stage(1, FusionStrategy.S1, c + 1, n - 1));
        }
    }

    [Fact]
    public void AtNodeLevelAPartIsTheSumOfItsNodes()
    {
        var planning = ResNet.Value;
        var costs = Costs(planning, CostGranularity.Node);
        var v = planning.Variants[0];
        var n = planning.Units.Count;
        var nodes = Enumerable.Range(0, n).SelectMany(u => v.NodesOf(planning.Units[u], planning.BlockNodes));
        Assert.Equal(nodes.Sum(node => RooflineTime.Seconds(v.CostOf(node), Nano, Precision.Fp16)), costs.Stage(0, FusionStrategy.S1, 0, n - 1), 12);
        Assert.Null(costs.Problem.SecondsBeforeCut);
        // Fused kernels move fewer bytes and launch fewer times: the kernel-level whole model is faster.
        Assert.True(Costs(planning, CostGranularity.Kernel).Stage(0, FusionStrategy.S1, 0, n - 1) < costs.Stage(0, FusionStrategy.S1, 0, n - 1));
    }
}
