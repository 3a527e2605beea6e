using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Pipeline;

/// <summary>The analysis half of the pipeline: graph IR, verification, shapes and costs.</summary>
public sealed record ModelAnalysis(string DisplayName, ModelGraph Graph, ShapeInferenceResult Shapes, CostReport Cost)
{
    public IReadOnlyList<Diagnostic> Diagnostics => Shapes.Diagnostics.Items;

    public static ModelAnalysis Run(LoadedModel model, string displayName, ShapeBindings bindings)
    {
        var graph = new ModelGraph(model.Model, model.Path);
        GraphVerifier.Verify(graph);
        var shapes = ShapeInference.Run(graph, bindings, model.ExternalData);
        var cost = AnnotateCost.Run(graph, shapes);
        return new ModelAnalysis(displayName, graph, shapes, cost);
    }
}
