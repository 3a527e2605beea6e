using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>
/// An inference-mode BatchNormalization as a per-channel affine map:
///   y = γ·(x − μ)/σ + β = m·x + s,  with σ = sqrt(var + ε), m = γ/σ, s = β − μ·m.
/// </summary>
public sealed record BatchNormParameters(double[] Multiplier, double[] Shift)
{
    public int Channels => Multiplier.Length;

    /// <summary>The node's affine map, or the reason it cannot be read as one.</summary>
    public static (BatchNormParameters? Parameters, string? Reason) Read(ModelGraph graph, GraphNode bn, PassContext context)
    {
        if (graph.Opset < 7) return (null, $"BatchNormalization at opset {graph.Opset} has is_test semantics this pass does not fold");
        if (bn.Proto.GetInt("spatial", 1) != 1) return (null, "BatchNormalization with spatial=0 normalises per element, not per channel");
        if (bn.Proto.GetInt("training_mode", 0) != 0) return (null, "BatchNormalization is in training mode");
        // Before opset 14 the number of outputs is the mode: Y alone is test mode, Y with mean, var, saved_mean
        // and saved_var is training mode, which normalises with the batch's statistics (ONNX Runtime does),
        // whether or not anything reads them.
        if (graph.Opset < 14 && bn.Outputs.Skip(1).Any(o => o.Length > 0))
        {
            return (null, "its training-mode outputs (mean, var, saved_mean, saved_var) are declared, which before opset 14 means training mode");
        }
        if (bn.Outputs.Skip(1).Any(o => o.Length > 0 && graph.ConsumersOf(o).Count + (graph.IsGraphOutput(o) ? 1 : 0) > 0))
        {
            return (null, "its training-mode outputs (running mean or variance) are used");
        }
        var values = new double[4][];
        string[] names = ["scale", "bias", "mean", "var"];
        for (var i = 0; i < 4; i++)
        {
            var v = ConstantFloats.Read(graph, bn.Input(i + 1), context);
            if (v is null) return (null, $"its {names[i]} is not a constant float32 tensor");
            values[i] = v;
        }
        var channels = values[0].Length;
        if (values.Any(v => v.Length != channels)) return (null, "its parameters differ in length");
        return (Of(values[0], values[1], values[2], values[3], bn.Proto.GetFloat("epsilon", 1e-5f)), null);
    }

    /// <summary>m = γ/sqrt(var + ε) and s = β − μ·m per channel, in double (float32 parameters are exact in it).</summary>
    public static BatchNormParameters Of(IReadOnlyList<double> scale, IReadOnlyList<double> bias, IReadOnlyList<double> mean, IReadOnlyList<double> variance, double epsilon)
    {
        var channels = scale.Count;
        var m = new double[channels];
        var s = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            m[c] = scale[c] / Math.Sqrt(variance[c] + epsilon);
            s[c] = bias[c] - mean[c] * m[c];
        }
        return new BatchNormParameters(m, s);
    }
}
