using Onnx;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>
/// One probe model: what it runs and its work by the cost conventions (the numbers RooflineTime sees); where ONNX
/// Runtime's profiler times one node by itself, which (<see cref="ProfiledNode"/>): a single-op probe's op, a grid chain's
/// middle conv, a <see cref="ProfiledConvShape"/>'s conv (and for that one, its conv's FLOPs).
/// </summary>
public sealed record ProbeItem(string Name, string OpType, ModelProto Model, double Flops, double Bytes)
{
    /// <summary>The node ONNX Runtime's profiler times: the index, in execution order, among the model's nodes of <see cref="OpType"/>.</summary>
    public int? ProfiledNode { get; init; }
}

/// <summary>
/// The models one probe times, in the order <see cref="HostProbe.Profile"/> reads their measurements: the six
/// reference probes (Add chains, fp32 MatMul and Conv, fp16 MatMul, MatMulInteger), then
/// <see cref="OperatorCount"/> single-op probes, then a chain for each shape of <see cref="Grid"/> (its middle conv
/// profiled), then one model for each of <see cref="Profiled"/>.
/// </summary>
public sealed class ProbeSet
{
    public const int ReferenceCount = 6;

    /// <param name="probes">Each probe, with the FLOPs to credit it where the cost model's are not wanted, and the node (of its
    /// op type) ONNX Runtime's profiler times by itself, where one is.</param>
    public ProbeSet(IReadOnlyList<(string Name, string OpType, ModelProto Model, double? Flops, int? Profiled)> probes, int operatorCount, IReadOnlyList<ConvShape> grid,
        IReadOnlyList<ProfiledConvShape>? profiled = null)
    {
        Profiled = profiled ?? [];
        Items = probes.Select(p =>
        {
            var (flops, bytes) = Work(p.Model);
            return new ProbeItem(p.Name, p.OpType, p.Model, p.Flops ?? flops, bytes) { ProfiledNode = p.Profiled };
        }).Concat(Profiled.Select(c => new ProbeItem(c.Name, "Conv", c.Model(), c.Flops, 0) { ProfiledNode = c.TimedConv })).ToList();
        OperatorCount = operatorCount;
        Grid = grid;
    }

    /// <summary>The convs timed by ONNX Runtime's profiler inside small models (the last items).</summary>
    public IReadOnlyList<ProfiledConvShape> Profiled { get; }

    public IReadOnlyList<ProbeItem> Items { get; }

    public int OperatorCount { get; }

    public IReadOnlyList<ConvShape> Grid { get; }

    /// <summary>FLOPs and bytes of a probe model by the cost conventions.</summary>
    private static (double Flops, double Bytes) Work(ModelProto model)
    {
        try
        {
            var a = ModelAnalysis.Run(LoadedModel.InMemory(model), "probe", ShapeBindings.Empty);
            return (a.Cost.Nodes.Sum(x => (double)(x.Flops ?? 0)), a.Cost.Nodes.Sum(x => (double)x.Bytes));
        }
        catch (CodesignException)
        {
            return (0, 0); // an op the cost model does not know: the probe gives the FLOPs
        }
    }
}
