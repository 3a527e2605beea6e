using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>A Conv's constant weight and bias in double precision (a missing bias reads as zeros).</summary>
internal static class ConvParameters
{
    public static (double[]? Weight, long[]? Dims, double[]? Bias, string? Reason) Read(ModelGraph graph, GraphNode conv, PassContext context)
    {
        var weightName = conv.Input(1);
        var weight = ConstantFloats.Read(graph, weightName, context);
        if (weight is null) return (null, null, null, $"conv '{conv.Name}' has a weight that is not a constant float32 tensor");
        var dims = ConstantFloats.Dims(graph, weightName!)!;
        if (dims.Length != 4) return (null, null, null, $"conv '{conv.Name}' is not 2-D");
        var biasName = conv.Input(2);
        var bias = biasName is null ? new double[dims[0]] : ConstantFloats.Read(graph, biasName, context);
        if (bias is null) return (null, null, null, $"conv '{conv.Name}' has a bias that is not a constant float32 tensor");
        return (weight, dims, bias, null);
    }
}
