namespace OnnxCoDesign.Fuzzing;

/// <summary>
/// A SplitMix64 stream. Splittable: <see cref="ForCase"/> derives each input's stream from the campaign seed
/// and the input's index alone, so one input is reproduced from (seed, index) without replaying the others.
/// System.Random is avoided because its sequence for a seed is no compatibility promise.
/// </summary>
public sealed class FuzzRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The seed of input <paramref name="index"/> of a campaign started from <paramref name="campaignSeed"/>.</summary>
    public static ulong ForCase(ulong campaignSeed, int index) => Mix(campaignSeed ^ Mix((ulong)index + 0x632BE59BD9B4E019UL));

    public ulong NextUInt64() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "the range must not be empty");
        return (int)(NextUInt64() % (ulong)n);
    }

    /// <summary>Uniform in [lo, hi].</summary>
    public int Between(int lo, int hi) => lo + Next(hi - lo + 1);

    public bool Chance(double p) => (NextUInt64() >> 11) * (1.0 / (1UL << 53)) < p;

    public T PickFrom<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public T Pick<T>(params T[] items) => items[Next(items.Length)];

    /// <summary>A value that breaks dimension and count arithmetic: 0, negatives, 2^31±1, 2^62, int64's ends.</summary>
    public long ExtremeInt64() => PickFrom(ExtremeValues);

    public static IReadOnlyList<long> ExtremeValues { get; } =
    [
        0, -1, -2, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue, 1L << 40, 1L << 62, long.MaxValue, long.MinValue, long.MinValue + 1,
    ];

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
