using System.Text.Json.Serialization;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>
/// A device profile as written: in plan.json's devices, measure's host, the catalog and, as a document of its
/// own (with <see cref="SchemaVersion"/> and <see cref="Warnings"/>), `devices NAME --json` and `probe`.
/// Figures in datasheet units as decimals, so 0.472 TFLOP/s writes back as 0.472. Profiles a person writes
/// are read by DeviceProfileJson, which checks every field with its own codes (OCD1602).
/// </summary>
public sealed record DeviceDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SchemaVersion { get; init; }

    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public required decimal Fp32Tflops { get; init; }

    public required decimal Fp16Tflops { get; init; }

    /// <summary>Absent where the device has no int8 path (its precisions list no int8).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? Int8Tops { get; init; }

    [JsonPropertyName("memoryGBps")]
    public required decimal MemoryGBps { get; init; }

    public required decimal ComputeEfficiency { get; init; }

    public required decimal MemoryEfficiency { get; init; }

    /// <summary>Seconds per launched kernel, in µs. Always written; absent only in documents from before the kernel-level cost model.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? KernelOverheadUs { get; init; }

    /// <summary>The same figure under its name before the kernel-level cost model: read from older plans, never written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? NodeOverheadUs { get; init; }

    /// <summary>ONNX op type → compute efficiency, sorted by op type; absent when the profile has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, decimal>? OperatorEfficiency { get; init; }

    /// <summary>
    /// Conv class (1x1, kxk, kxk-strided, 1x1-strided, thin) → [output pixels, compute efficiency] pairs in ascending output pixels; absent
    /// when the profile has no shape-aware conv efficiency.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<decimal>>>? ConvEfficiency { get; init; }

    /// <summary>ONNX Runtime's NCHWc block (8 or 16) where the device runs it with layout reorders; absent: none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? NchwcBlock { get; init; }

    public required string? TensorRt { get; init; }

    /// <summary>The precisions the device runs natively, lowest first (int8, fp16, fp32); absent in plans written before the list.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Precisions { get; init; }

    public required IReadOnlyList<string> Sources { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Warning>? Warnings { get; init; }
}

/// <summary>`devices --json`: the catalog, in catalog.json's shape.</summary>
public sealed record CatalogDocument
{
    public int SchemaVersion { get; init; } = CodesignJson.SchemaVersion;

    public required IReadOnlyList<DeviceDocument> Devices { get; init; }

    public IReadOnlyList<Warning> Warnings { get; init; } = Schema.Warnings.None;
}
