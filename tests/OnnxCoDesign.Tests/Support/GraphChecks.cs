using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Tests.Support;

/// <summary>Structural checks run on the output of every pass in the tests.</summary>
public static class GraphChecks
{
    /// <summary>The graph verifies (SSA, acyclic, inputs defined, outputs produced) and shapes infer.</summary>
    public static ModelGraph WellFormed(ModelProto model)
    {
        var graph = new ModelGraph(model);
        GraphVerifier.Verify(graph);
        OnnxCoDesign.Passes.Shapes.ShapeInference.Run(graph);
        return graph;
    }

    public static int Count(ModelProto model, string opType) => model.Graph.Node.Count(n => n.OpType == opType);
}
