namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014), the generator WeightGenerator uses for sample weights: a 64-bit
/// counter stepped by the golden-ratio constant and mixed by two xor-shift-multiply rounds. Chosen over
/// System.Random because its sequence for a seed is fixed by this code, not by the runtime, so a simulation
/// with --seed S gives the same requests on every machine and .NET version.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
