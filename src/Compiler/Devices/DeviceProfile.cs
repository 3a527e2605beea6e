namespace OnnxCoDesign.Compiler.Devices;

/// <summary>
/// A device as the roofline model sees it: peak arithmetic rate per precision, memory bandwidth, the
/// fraction of each a real kernel attains (efficiencies), and a fixed cost per node (kernel launch).
/// </summary>
public sealed record DeviceProfile
{
    /// <summary>Stable kebab-case name used on the command line and in plans (jetson-nano).</summary>
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>Peak FLOP/s (for int8: operations/s) by precision.</summary>
    public required double PeakFp32 { get; init; }

    public required double PeakFp16 { get; init; }

    public required double PeakInt8 { get; init; }

    /// <summary>DRAM bandwidth in bytes per second.</summary>
    public required double MemoryBandwidth { get; init; }

    /// <summary>Fraction of peak compute a layer attains (ηc); 1 is the bare roofline.</summary>
    public double ComputeEfficiency { get; init; } = 1.0;

    /// <summary>Fraction of peak bandwidth a layer attains (ηm).</summary>
    public double MemoryEfficiency { get; init; } = 1.0;

    /// <summary>Fixed seconds per node (kernel launch and scheduling).</summary>
    public double NodeOverhead { get; init; }

    /// <summary>
    /// Compute efficiency by ONNX op type ("Conv" → 0.7), where a kernel's attained rate differs from
    /// <see cref="ComputeEfficiency"/> (GEMM-like ops near peak, elementwise ops far below it); ops not
    /// listed use ComputeEfficiency. Empty for the built-in profiles; `probe` measures it from single-op models.
    /// The shared empty instance is the default so that records read back from JSON compare equal.
    /// </summary>
    public IReadOnlyDictionary<string, double> OperatorEfficiency { get; init; } = NoOperatorEfficiency;

    public static readonly IReadOnlyDictionary<string, double> NoOperatorEfficiency =
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, double>(new Dictionary<string, double>(StringComparer.Ordinal));

    /// <summary>ηc for a node of this op type: its own entry, else <see cref="ComputeEfficiency"/>.</summary>
    public double ComputeEfficiencyFor(string opType) =>
        OperatorEfficiency.TryGetValue(opType, out var e) ? e : ComputeEfficiency;

    /// <summary>The TensorRT version of the device's usual JetPack/driver stack ("8.2", "10.3"); null where there is none.</summary>
    public string? TensorRtVersion { get; init; }

    /// <summary>Where each figure comes from (datasheet, paper), for the catalog listing.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    public double Peak(Precision p) => p switch
    {
        Precision.Fp32 => PeakFp32,
        Precision.Fp16 => PeakFp16,
        _ => PeakInt8,
    };

    /// <summary>The roofline ridge point P/B in FLOP per byte.</summary>
    public double Ridge(Precision p) => Peak(p) / MemoryBandwidth;
}
