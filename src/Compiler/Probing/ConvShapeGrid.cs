using Onnx;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>
/// One conv shape of the grid (stride 1, groups 1, same padding), as the GEMM it lowers to: M = output pixels
/// (Size²), N = output channels, K = input channels · kernel². Its probe is a chain: ci→co, then co→ci, then
/// ci→co again …, so every conv of a chain has the same FLOPs.
/// </summary>
public sealed record ConvShape(long InChannels, long OutChannels, int Kernel, long Size)
{
    public long OutputPixels => Size * Size;

    public string KernelClass => ConvEfficiencyCurve.ClassOf(Kernel * Kernel);

    /// <summary>FLOPs of one conv of the chain by the cost conventions: 2·M·N·K, plus the bias add.</summary>
    public double Flops => 2.0 * OutputPixels * OutChannels * InChannels * Kernel * Kernel + OutputPixels * OutChannels;

    public string Name(int convs) => $"Conv {Kernel}x{Kernel} {InChannels}<->{OutChannels} @{Size}x{Size} chain x{convs}";

    /// <summary><paramref name="convs"/> convs in a chain on a 1×ci×Size×Size input.</summary>
    public ModelProto Chain(int convs)
    {
        var (l, x) = new SampleOptions().Start("probe_conv_chain", InChannels, Size, Size);
        for (var i = 0; i < convs; i++) x = l.Conv(x, new ConvSpec(i % 2 == 0 ? OutChannels : InChannels, Kernel));
        l.Builder.Output(x.Name);
        return l.Builder.Build();
    }
}

/// <summary>
/// The synthetic conv shapes `probe` times for the shape-aware conv efficiency (<see cref="ConvEfficiencyFit"/>): a
/// regular grid over output sizes 7…112, 1×1 and 3×3 kernels and channel counts 64…2048, not the layers of any
/// one model. Each shape is timed as the middle conv (<see cref="TimedConv"/>) of a chain of <see cref="LongChain"/>
/// convs, by ONNX Runtime's profiler (<see cref="NodeProfile"/>): one conv as it runs inside a network — its input
/// just written by a conv, its output read by one — without the layout reorders ONNX Runtime puts at a model's
/// input and output (NCHW ↔ NCHWc on x64) and without the session's fixed cost. (Before, the chain less a single
/// conv, over two: a difference of two medians, whose noise moved a cell by up to 10% between probes.) Shapes over
/// <see cref="MaxFlops"/> per conv are left out so the probe stays quick on one thread.
/// </summary>
public static class ConvShapeGrid
{
    public const double MaxFlops = 1.9e9;

    public const int LongChain = 3;

    /// <summary>Which conv of a chain the profiler's time is read from: the middle one.</summary>
    public const int TimedConv = 1;

    public static readonly IReadOnlyList<long> Sizes = [7, 14, 28, 56, 112];

    public static IReadOnlyList<ConvShape> Shapes { get; } = Build();

    private static List<ConvShape> Build()
    {
        var list = new List<ConvShape>();
        foreach (var s in Sizes)
        {
            // Unequal pairs both ways round: a chain's timed (middle) conv maps co→ci, so (64, 256) times a 256→64
            // reduction and (256, 64) a 64→256 expansion, which writes four times what it reads.
            foreach (var (ci, co) in new (long, long)[] { (64, 64), (256, 256), (512, 512), (64, 256), (128, 512), (256, 1024), (512, 2048), (256, 64), (512, 128), (1024, 256), (2048, 512) })
                list.Add(new ConvShape(ci, co, 1, s));
            foreach (var c in new long[] { 64, 128, 256, 512 }) list.Add(new ConvShape(c, c, 3, s));
        }
        return list.Where(x => x.Flops <= MaxFlops).ToList();
    }
}
