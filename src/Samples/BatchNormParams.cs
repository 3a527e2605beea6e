using OnnxCoDesign.Passes.Rewrite;

namespace OnnxCoDesign.Samples;

/// <summary>Inference-mode batch-norm parameters of one layer (one value per channel).</summary>
public sealed record BatchNormParams(float[] Scale, float[] Bias, float[] Mean, float[] Variance, float Epsilon)
{
    public long Channels => Scale.Length;

    /// <summary>This BN as the affine map the passes fold: m = γ/sqrt(var + ε), s = β − μ·m per channel.</summary>
    public BatchNormParameters Affine() =>
        BatchNormParameters.Of(Widen(Scale), Widen(Bias), Widen(Mean), Widen(Variance), Epsilon);

    /// <summary>
    /// Folds this BN into the conv before it as fold-bn does (<see cref="BranchFolding"/>): <c>w' = w·m</c>,
    /// <c>b' = b·m + s</c> (b = 0 when the conv has none). The weight layout is [Cout, …].
    /// </summary>
    public (float[] Weight, float[] Bias) FoldInto(float[] weight, float[]? bias)
    {
        if (weight.Length % Channels != 0) throw new ArgumentException("the conv's output channels do not match the BN's");
        var affine = Affine();
        var w = new float[weight.Length];
        BranchFolding.FoldWeight(weight, affine.Multiplier, w);
        var b = new double[Channels];
        BranchFolding.AddBias(bias, affine, b);
        return (w, Array.ConvertAll(b, v => (float)v));
    }

    private static double[] Widen(float[] values) => Array.ConvertAll(values, v => (double)v);
}
