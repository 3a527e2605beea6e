using OnnxCoDesign.Compiler.Measurement;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>What `probe` measures and how long it takes.</summary>
public sealed record ProbeOptions
{
    /// <summary>The profile's kebab-case name, as --devices and plans name it.</summary>
    public string Name { get; init; } = "host";

    /// <summary>Median of 7 after 2 warm-up runs, every core: the rates are what a multi-threaded session attains.</summary>
    public TimingOptions Timing { get; init; } = new(Runs: 7, Warmup: 2);

    /// <summary>
    /// Also time single-op models and fit the profile to them: a compute efficiency per op type
    /// (operatorEfficiency) and the bandwidth ONNX Runtime attains on activation-sized tensors. Off: the plain
    /// roofline profile (one efficiency, the DRAM copy's bandwidth).
    /// </summary>
    public bool Fit { get; init; } = true;

    /// <summary>Bytes of each buffer of the bandwidth copy.</summary>
    public int CopyBytes { get; init; } = MemoryBandwidth.DefaultBytes;
}
