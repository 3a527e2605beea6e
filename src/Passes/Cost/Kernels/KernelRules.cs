namespace OnnxCoDesign.Passes.Cost;

/// <summary>
/// Which fusions the runtime performs. TensorRT fuses a contraction with its epilogue and a chain of pointwise
/// ops into one generated kernel. ONNX Runtime's CPU provider fuses a Conv with its bias, activation and a residual
/// Add (its FusedConv, from the level-2 graph optimizations), but runs every other elementwise op as a kernel of its own.
/// <see cref="NchwcBlock"/>: ONNX Runtime's NCHWc block on x64 (8 with AVX2, 16 with AVX-512; 0 where it runs convs in
/// plain NCHW), which decides the layout reorders it inserts at a model's edges (<see cref="LayoutReorders"/>). TensorRT
/// has none: it picks each layer's format, and a part's I/O formats are set when its engine is built.
/// </summary>
public sealed record KernelRules(string Name, bool FusesPointwiseChains, int NchwcBlock = 0)
{
    public static KernelRules TensorRt { get; } = new("tensorrt", FusesPointwiseChains: true);

    public static KernelRules OnnxRuntimeCpu { get; } = new("onnxruntime-cpu", FusesPointwiseChains: false);

    /// <summary>ONNX Runtime's CPU provider with its NCHWc layout transformer at block <paramref name="block"/> (0: <see cref="OnnxRuntimeCpu"/>).</summary>
    public static KernelRules OnnxRuntimeCpuNchwc(int block) => block <= 0 ? OnnxRuntimeCpu : OnnxRuntimeCpu with { NchwcBlock = block };
}
