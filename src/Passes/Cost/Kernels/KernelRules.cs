namespace OnnxCoDesign.Passes.Cost;

/// <summary>
/// Which fusions the runtime performs. TensorRT fuses a contraction with its epilogue and a chain of pointwise
/// ops into one generated kernel. ONNX Runtime's CPU provider fuses a Conv with its bias, activation and a residual
/// Add (its FusedConv, from the level-2 graph optimizations), but runs every other elementwise op as a kernel of its own.
/// </summary>
public sealed record KernelRules(string Name, bool FusesPointwiseChains)
{
    public static KernelRules TensorRt { get; } = new("tensorrt", FusesPointwiseChains: true);

    public static KernelRules OnnxRuntimeCpu { get; } = new("onnxruntime-cpu", FusesPointwiseChains: false);
}
