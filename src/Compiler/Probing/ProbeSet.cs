using Onnx;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>One probe model: what it runs and its work by the cost conventions (the numbers RooflineTime sees).</summary>
public sealed record ProbeItem(string Name, string OpType, ModelProto Model, double Flops, double Bytes);

/// <summary>
/// The models one probe times, in the order <see cref="HostProbe.Profile"/> reads their measurements: the six
/// reference probes (Add chains, fp32 MatMul and Conv, fp16 MatMul, MatMulInteger), then
/// <see cref="OperatorCount"/> single-op probes, then a single conv and a chain for each shape of
/// <see cref="Grid"/>.
/// </summary>
public sealed class ProbeSet
{
    public const int ReferenceCount = 6;

    public ProbeSet(IReadOnlyList<(string Name, string OpType, ModelProto Model, double? Flops)> probes, int operatorCount, IReadOnlyList<ConvShape> grid)
    {
        Items = probes.Select(p =>
        {
            var (flops, bytes) = Work(p.Model);
            return new ProbeItem(p.Name, p.OpType, p.Model, p.Flops ?? flops, bytes);
        }).ToList();
        OperatorCount = operatorCount;
        Grid = grid;
    }

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
