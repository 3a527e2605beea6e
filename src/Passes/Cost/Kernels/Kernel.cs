namespace OnnxCoDesign.Passes.Cost;

/// <summary>What a kernel is, for its cost: shape-only ops cost nothing; the rest pay the roofline and one launch.</summary>
public enum KernelKind
{
    /// <summary>Reshape, Flatten, Identity, Dropout, Squeeze, Unsqueeze, Shape, Constant: a view or a build-time value, no launch.</summary>
    Free,

    /// <summary>Conv, ConvTranspose, Gemm or MatMul with what runs in its epilogue (and a Pad folded into its padding).</summary>
    Contraction,

    /// <summary>A chain of elementwise ops run as one pointwise kernel.</summary>
    Pointwise,

    /// <summary>Any other op (pooling, Concat, Resize, Softmax, …): a kernel of its own.</summary>
    Other,
}

/// <summary>
/// One kernel as TensorRT or ONNX Runtime runs it (<see cref="KernelGrouping"/>): <see cref="Name"/> is its anchor
/// node (the contraction, or the chain's first op) and <see cref="OpType"/> the anchor's op type, the class its
/// compute efficiency is looked up by. <see cref="Nodes"/> are its nodes in topological order. Its FLOPs are its
/// nodes' (null when one is unknown); its bytes are its traffic as one kernel: each external input read once
/// (activations and initializers) and each output read outside it (or a graph output) written once —
/// intermediates stay in registers.
/// </summary>
public sealed record Kernel(int Index, string Name, KernelKind Kind, string OpType, IReadOnlyList<string> Nodes,
    long? Flops, long BytesRead, long BytesWritten)
{
    public long Bytes => BytesRead + BytesWritten;

    /// <summary>
    /// Of <see cref="BytesRead"/>, those read from cache rather than memory, which the roofline's memory term leaves out: a
    /// layout reorder's read of a tensor its part computed, written by the kernel just before it (<see cref="LayoutReorders"/>).
    /// </summary>
    public long BytesFromCache { get; init; }

    /// <summary>The bytes that move through memory: <see cref="Bytes"/> less <see cref="BytesFromCache"/>.</summary>
    public long MemoryBytes => Bytes - BytesFromCache;

    /// <summary>A conv anchor's GEMM shape, for a shape-aware compute efficiency; null for other kernels or unknown shapes.</summary>
    public ConvGeometry? Geometry { get; init; }

    public bool IsKnown => Flops is not null;

    public bool IsFree => Kind == KernelKind.Free;
}

/// <summary>
/// A conv as the GEMM it lowers to: <see cref="OutputPixels"/> = batch · output spatial size (M),
/// <see cref="OutChannels"/> (N), <see cref="Reduction"/> = in channels / groups · kernel area (K); and
/// <see cref="Stride"/>, the largest of its strides.
/// </summary>
public sealed record ConvGeometry(long OutputPixels, long OutChannels, long Reduction, long KernelArea, long Groups)
{
    public long Stride { get; init; } = 1;

    /// <summary>Input channels per group: K over the kernel area.</summary>
    public long InChannelsPerGroup => KernelArea > 0 ? Reduction / KernelArea : 0;
}
