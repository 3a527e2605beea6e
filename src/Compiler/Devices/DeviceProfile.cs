namespace OnnxCoDesign.Compiler.Devices;

/// <summary>
/// A device as the roofline model sees it: peak arithmetic rate per precision, memory bandwidth, the
/// fraction of each a real kernel attains (efficiencies), and a fixed cost per node (kernel launch).
/// <see cref="Precisions"/> are the precisions it runs natively; --precision names the lowest a plan allows,
/// and each part runs at <see cref="EffectivePrecision"/> of its device, so no device is asked for one it lacks.
/// </summary>
public sealed record DeviceProfile
{
    /// <summary>Stable kebab-case name used on the command line and in plans (jetson-nano).</summary>
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>Peak FLOP/s (for int8: operations/s) by precision.</summary>
    public required double PeakFp32 { get; init; }

    public required double PeakFp16 { get; init; }

    /// <summary>Null where the device has no int8 path (<see cref="Precisions"/> lists no int8): it has no int8 rate.</summary>
    public double? PeakInt8 { get; init; }

    /// <summary>Lowest first: the order --precision's "lowest allowed" walks up (int8 &lt; fp16 &lt; fp32).</summary>
    public static readonly IReadOnlyList<Precision> Ascending = [Precision.Int8, Precision.Fp16, Precision.Fp32];

    /// <summary>Every precision: what a profile without a `precisions` list runs (profiles from before the list).</summary>
    public static readonly IReadOnlyList<Precision> AllPrecisions = Ascending;

    // A bit per precision, so that records with the same precisions compare equal whatever list built them.
    private readonly int _precisions = Mask(AllPrecisions);

    /// <summary>The precisions the device runs natively, lowest first; always includes fp32.</summary>
    public IReadOnlyList<Precision> Precisions
    {
        get => Ascending.Where(p => (_precisions & Bit(p)) != 0).ToList();
        init => _precisions = Mask(value);
    }

    public bool Supports(Precision p) => (_precisions & Bit(p)) != 0;

    /// <summary>
    /// The precision a part on this device runs at when <paramref name="lowestAllowed"/> is the lowest the plan
    /// allows: the lowest precision at or above it that the device supports (fp32 when it supports none lower).
    /// </summary>
    public Precision EffectivePrecision(Precision lowestAllowed)
    {
        var from = Ascending.ToList().IndexOf(lowestAllowed);
        return Ascending.Skip(from).FirstOrDefault(Supports, Precision.Fp32);
    }

    private static int Bit(Precision p) => 1 << (int)p;

    private static int Mask(IEnumerable<Precision> precisions) => precisions.Aggregate(0, (m, p) => m | Bit(p));

    /// <summary>DRAM bandwidth in bytes per second.</summary>
    public required double MemoryBandwidth { get; init; }

    /// <summary>Fraction of peak compute a layer attains (ηc); 1 is the bare roofline.</summary>
    public double ComputeEfficiency { get; init; } = 1.0;

    /// <summary>Fraction of peak bandwidth a layer attains (ηm).</summary>
    public double MemoryEfficiency { get; init; } = 1.0;

    /// <summary>Fixed seconds per node (kernel launch and scheduling).</summary>
    public double KernelOverhead { get; init; }

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

    /// <summary>
    /// A conv's compute efficiency by its shape (<see cref="ConvEfficiencyCurve"/>), where it differs with the
    /// output size; <see cref="ConvEfficiencyCurve.None"/> (the default, and every built-in profile) leaves convs
    /// at their op type's efficiency. `probe` measures it from a grid of conv chains.
    /// </summary>
    public ConvEfficiencyCurve ConvEfficiency { get; init; } = ConvEfficiencyCurve.None;

    /// <summary>
    /// ηc for a kernel: the conv curve at its shape where the curve covers it, else <see cref="ComputeEfficiencyFor(string)"/>
    /// of its anchor op type — exactly that when the profile has no curve.
    /// </summary>
    public double ComputeEfficiencyFor(OnnxCoDesign.Passes.Cost.Kernel kernel) =>
        kernel.Geometry is { } g && ConvEfficiency.At(g, NchwcBlock) is { } e ? e : ComputeEfficiencyFor(kernel.OpType);

    /// <summary>
    /// ONNX Runtime's NCHWc block on this device (8 with AVX2, 16 with AVX-512; `probe` reads it from the host's
    /// instruction set): where the device runs ONNX Runtime, a part pays the layout reorders at its edges
    /// (<see cref="OnnxCoDesign.Passes.Cost.LayoutReorders"/>). 0, the default and every built-in profile: none.
    /// </summary>
    public int NchwcBlock { get; init; }

    /// <summary>The TensorRT version of the device's usual JetPack/driver stack ("8.2", "10.3"); null where there is none.</summary>
    public string? TensorRtVersion { get; init; }

    /// <summary>Where each figure comes from (datasheet, paper), for the catalog listing.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>The peak rate at a precision the device supports; asking for one it lacks is a bug in the caller.</summary>
    public double Peak(Precision p) => p switch
    {
        Precision.Fp32 => PeakFp32,
        Precision.Fp16 => PeakFp16,
        _ when Supports(p) && PeakInt8 is { } int8 => int8,
        _ => throw new InvalidOperationException($"device '{Name}' has no int8 path; cost it at EffectivePrecision(int8)"),
    };

    /// <summary>The roofline ridge point P/B in FLOP per byte.</summary>
    public double Ridge(Precision p) => Peak(p) / MemoryBandwidth;
}
