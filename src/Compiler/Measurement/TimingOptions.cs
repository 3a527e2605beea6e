namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>
/// How a model is timed: <see cref="Warmup"/> untimed runs (ORT allocates its arenas and packs weights on
/// the first runs), then the typical time of <see cref="Runs"/> timed runs (<see cref="Statistics.TypicalSeconds"/>), so one preempted run does not move it.
/// <see cref="Threads"/> is ONNX Runtime's intra-op thread count; it defaults to every core, the setting the
/// probe measures the host with, so the predictions (from the probe's profile) and the measurements agree on it.
/// </summary>
public sealed record TimingOptions(int Runs = 10, int Warmup = 3, int Threads = 0)
{
    public static TimingOptions Default { get; } = new();

    /// <summary>The intra-op thread count in effect: <see cref="Threads"/>, or every core when 0.</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    public TimingOptions Validated()
    {
        if (Runs < 1) throw new ArgumentOutOfRangeException(nameof(Runs), "at least one timed run is needed");
        if (Warmup < 0) throw new ArgumentOutOfRangeException(nameof(Warmup), "warm-up runs cannot be negative");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), "threads cannot be negative");
        return this;
    }
}
