using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>A Conv's constant weight and bias: checked cheaply when matching, read when rewriting.</summary>
internal static class ConvParameters
{
    /// <summary>The weight's dims when weight and bias are constant float32 tensors and the conv is 2-D; else why not.</summary>
    public static (long[]? Dims, string? Reason) Check(ModelGraph graph, GraphNode conv)
    {
        if (!IsConstantFloat(graph, conv.Input(1))) return (null, $"conv '{conv.Name}' has a weight that is not a constant float32 tensor");
        var dims = graph.ConstantOf(conv.Input(1)!)!.Dims.ToArray();
        if (dims.Length != 4) return (null, $"conv '{conv.Name}' is not 2-D");
        if (conv.Input(2) is { } b && !IsConstantFloat(graph, b)) return (null, $"conv '{conv.Name}' has a bias that is not a constant float32 tensor");
        return (dims, null);
    }

    public static ReadOnlySpan<float> Weight(ModelGraph graph, GraphNode conv, PassContext context) =>
        TensorValues.Float32(graph.ConstantOf(conv.Input(1)!)!, context.Weights);

    /// <summary>The bias, or zeros when the conv has none.</summary>
    public static float[] Bias(ModelGraph graph, GraphNode conv, long channels, PassContext context) =>
        conv.Input(2) is { } b ? TensorValues.AsFloat(graph.ConstantOf(b)!, context.Weights) : new float[channels];

    private static bool IsConstantFloat(ModelGraph graph, string? name) =>
        name is not null && !graph.IsRuntimeInput(name) && graph.ConstantOf(name) is { DataType: ElementType.Float };
}
