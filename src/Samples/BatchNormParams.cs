namespace OnnxCoDesign.Samples;

/// <summary>Inference-mode batch-norm parameters of one layer (one value per channel).</summary>
public sealed record BatchNormParams(float[] Scale, float[] Bias, float[] Mean, float[] Variance, float Epsilon)
{
    public long Channels => Scale.Length;

    /// <summary>γ/σ per channel with σ = sqrt(var + ε), in double so the fold adds no error of its own.</summary>
    public double[] Multipliers()
    {
        var m = new double[Channels];
        for (long c = 0; c < Channels; c++) m[c] = Scale[c] / Math.Sqrt((double)Variance[c] + Epsilon);
        return m;
    }

    /// <summary>
    /// Folds this BN into the conv before it: <c>w' = w·γ/σ</c>, <c>b' = β + (b − μ)·γ/σ</c> (b = 0 when the conv
    /// has none). The weight layout is [Cout, …], so each output channel's block is scaled as one.
    /// </summary>
    public (float[] Weight, float[] Bias) FoldInto(float[] weight, float[]? bias)
    {
        if (weight.Length % Channels != 0) throw new ArgumentException("the conv's output channels do not match the BN's");
        var m = Multipliers();
        long per = weight.Length / Channels;
        var w = new float[weight.Length];
        var b = new float[Channels];
        for (long c = 0; c < Channels; c++)
        {
            for (long i = c * per; i < (c + 1) * per; i++) w[i] = (float)(weight[i] * m[c]);
            double convBias = bias?[c] ?? 0.0;
            b[c] = (float)(Bias[c] + (convBias - Mean[c]) * m[c]);
        }
        return (w, b);
    }
}
