namespace OnnxCoDesign.Passes.Cost;

/// <summary>The op classes <see cref="KernelGrouping"/> fuses by.</summary>
public static class FusionOps
{
    /// <summary>Views and build-time values: no launch, no traffic (TensorRT folds them; ONNX Runtime aliases the buffer).</summary>
    public static readonly IReadOnlySet<string> Free = new HashSet<string>(StringComparer.Ordinal)
    {
        "Reshape", "Flatten", "Identity", "Dropout", "Squeeze", "Unsqueeze", "Shape", "Size", "Constant",
    };

    public static readonly IReadOnlySet<string> Contractions = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "Gemm", "MatMul",
    };

    /// <summary>Activations a contraction's epilogue applies (SiLU, Sigmoid·Mul, is matched as a pattern).</summary>
    public static readonly IReadOnlySet<string> Activations = new HashSet<string>(StringComparer.Ordinal)
    {
        "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Elu", "Selu", "Softplus", "Gelu", "Mish",
    };

    /// <summary>Binary ops that scale or shift a contraction's output by a constant (a bias, a folded BN).</summary>
    public static readonly IReadOnlySet<string> Affine = new HashSet<string>(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div" };

    /// <summary>Elementwise ops a pointwise kernel chains (no reductions: Softmax stays its own kernel).</summary>
    public static readonly IReadOnlySet<string> Pointwise = new HashSet<string>(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Clip", "Add", "Sub", "Mul", "Div",
        "Pow", "Sum", "Max", "Min", "Mean", "Elu", "Selu", "Softplus", "Softsign", "Exp", "Log", "Sqrt", "Reciprocal",
        "Neg", "Abs", "Floor", "Ceil", "Round", "Erf", "Gelu", "Mish", "BatchNormalization", "Cast",
    };
}
