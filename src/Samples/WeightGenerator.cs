using OnnxCoDesign.Passes.Seeding;

namespace OnnxCoDesign.Samples;

/// <summary>
/// Deterministic weights from a <see cref="SeededStream"/> (SplitMix64), so sample models are byte-identical
/// across runs and runtimes. Only uniform draws and IEEE basic arithmetic are used (no Log/Cos), so values do
/// not depend on the platform's math library either.
/// </summary>
public sealed class WeightGenerator
{
    private readonly SeededStream _stream;

    public WeightGenerator(ulong seed) => _stream = new SeededStream(seed);

    public ulong NextUInt64() => _stream.NextUInt64();

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => _stream.NextDouble();

    public float Uniform(double lo, double hi) => (float)(lo + (hi - lo) * NextDouble());

    public float[] Uniform(long count, double lo, double hi)
    {
        var a = new float[count];
        for (long i = 0; i < count; i++) a[i] = Uniform(lo, hi);
        return a;
    }

    /// <summary>
    /// He (Kaiming) uniform conv weights, layout [Cout, Cin/groups, kh, kw]: bound sqrt(6/fan_in) gives
    /// variance 2/fan_in, which keeps activations O(1) through ReLU stacks. <paramref name="gain"/> scales it,
    /// e.g. to damp residual branches so deep sums stay in range.
    /// </summary>
    public float[] ConvWeight(long outChannels, long inChannelsPerGroup, long kh, long kw, double gain = 1.0)
    {
        long fanIn = inChannelsPerGroup * kh * kw;
        double bound = gain * Math.Sqrt(6.0 / fanIn);
        return Uniform(outChannels * fanIn, -bound, bound);
    }

    /// <summary>Small biases, so they matter numerically without dominating the activations.</summary>
    public float[] Bias(long count, double magnitude = 0.1) => Uniform(count, -magnitude, magnitude);

    /// <summary>Fully connected weights [out, in] with PyTorch's default Linear bound 1/sqrt(in).</summary>
    public float[] LinearWeight(long outFeatures, long inFeatures)
    {
        double bound = 1.0 / Math.Sqrt(inFeatures);
        return Uniform(outFeatures * inFeatures, -bound, bound);
    }

    /// <summary>
    /// Batch-norm parameters far from identity (γ ∈ [0.5, 1.5], β ∈ [−0.2, 0.2], μ ∈ [−0.3, 0.3],
    /// var ∈ [0.5, 2.0]) so that a wrong fold shows up in the outputs.
    /// </summary>
    public BatchNormParams BatchNorm(long channels, float epsilon = 1e-5f)
    {
        var scale = Uniform(channels, 0.5, 1.5);
        var bias = Uniform(channels, -0.2, 0.2);
        var mean = Uniform(channels, -0.3, 0.3);
        var variance = Uniform(channels, 0.5, 2.0);
        return new BatchNormParams(scale, bias, mean, variance, epsilon);
    }
}
