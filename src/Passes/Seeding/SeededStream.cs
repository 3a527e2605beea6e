namespace OnnxCoDesign.Passes.Seeding;

/// <summary>
/// A SplitMix64 stream (Vigna's splitmix64.c): the one seeded source behind sample weights, generated verify
/// inputs and simulated arrivals, each drawing from a stream of its own. System.Random is avoided on purpose:
/// its sequence for a given seed is not a compatibility promise, and these outputs must be byte-identical across
/// runs, platforms and runtimes. The sequence for a seed is fixed by this code.
/// </summary>
public sealed class SeededStream
{
    private ulong _state;

    public SeededStream(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
