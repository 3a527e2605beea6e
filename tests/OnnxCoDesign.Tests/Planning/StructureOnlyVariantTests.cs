using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>The planner's cost variants skip the kernel arithmetic; their structure and costs must equal a real fusion's.</summary>
public sealed class StructureOnlyVariantTests
{
    [Theory]
    [InlineData(FusionStrategy.S1)]
    [InlineData(FusionStrategy.S2)]
    [InlineData(FusionStrategy.S3)]
    [InlineData(FusionStrategy.S4)]
    public void StructureOnlyFusionCostsWhatRealFusionCosts(FusionStrategy strategy)
    {
        var original = SampleModels.RepVggGrouped();
        CostReport Cost(bool structureOnly, out string printout)
        {
            var model = original.Clone();
            var graph = new ModelGraph(model);
            FuseBranches.Run(graph, new PassContext(OnnxCoDesign.Passes.Loading.ExternalDataStore.None) { StructureOnly = structureOnly }, new StrategyPlan(strategy));
            var shapes = ShapeInference.Run(graph);
            printout = GraphPrinter.Print(graph, shapes);
            return AnnotateCost.Run(graph, shapes);
        }
        var real = Cost(false, out var realPrint);
        var structure = Cost(true, out var structurePrint);
        Assert.Equal(realPrint, structurePrint);
        Assert.Equal(real.Flops, structure.Flops);
        Assert.Equal(real.Bytes, structure.Bytes);
        Assert.Equal(real.Nodes.Select(n => (n.Node, n.Flops, n.Bytes)), structure.Nodes.Select(n => (n.Node, n.Flops, n.Bytes)));
    }
}
