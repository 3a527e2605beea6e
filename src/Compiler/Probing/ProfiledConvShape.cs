using Onnx;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>
/// A conv the grid cannot time as a chain of itself (a stride-2 conv halves its input; a 3-channel stem's output is
/// not its input), so its probe model sets it where it runs in a network and ONNX Runtime's profiler times it alone
/// (<see cref="NodeProfile"/>): a strided conv (3×3 or 1×1) right after a 1×1 conv that writes its input; a thin stem conv
/// followed by two 3×3 convs, so each run's stem reads its input and writes its output after other work, as a
/// network's next run does. <see cref="TimedConv"/> is which conv of the model is read.
/// </summary>
public sealed record ProfiledConvShape(string Class, long InChannels, long OutChannels, int Kernel, int Stride, long OutSize)
{
    public long OutputPixels => OutSize * OutSize;

    /// <summary>FLOPs of the timed conv by the cost conventions: 2·M·N·K, plus the bias add.</summary>
    public double Flops => 2.0 * OutputPixels * OutChannels * InChannels * Kernel * Kernel + OutputPixels * OutChannels;

    public int TimedConv => Class == ConvEfficiencyCurve.Thin ? 0 : 1;

    public string Name => $"Conv {Kernel}x{Kernel}/{Stride} {InChannels}->{OutChannels} @{OutSize}x{OutSize} ({Class}, profiled)";

    public ModelProto Model()
    {
        var input = OutSize * Stride;
        var (l, x) = new SampleOptions().Start("probe_profiled_conv", InChannels, input, input);
        if (Class == ConvEfficiencyCurve.Thin)
        {
            x = l.Conv(x, new ConvSpec(OutChannels, Kernel, Stride));
            x = l.Conv(x, new ConvSpec(OutChannels, 3));
            x = l.Conv(x, new ConvSpec(OutChannels, 3));
        }
        else
        {
            x = l.Conv(x, new ConvSpec(InChannels, 1));
            x = l.Conv(x, new ConvSpec(OutChannels, Kernel, Stride));
        }
        l.Builder.Output(x.Name);
        return l.Builder.Build();
    }

    /// <summary>
    /// The shapes: 3×3 stride-2 convs at outputs 7…56 with 64→128, 160→160 and 320→320 channels (strided); 1×1
    /// stride-2 convs at outputs 7…56 with 192→384, 384→768 and 768→1536 channels (1×1 strided); 3×3 stride-2 stems 3→32
    /// and 3→64 at outputs 28…112 (thin); models over <see cref="ConvShapeGrid.MaxFlops"/> left out. None is a layer of
    /// a model `measure` is checked on.
    /// </summary>
    public static IReadOnlyList<ProfiledConvShape> Shapes { get; } = Build();

    private static List<ProfiledConvShape> Build()
    {
        var list = new List<ProfiledConvShape>();
        foreach (var s in new long[] { 7, 14, 28, 56 })
        {
            foreach (var (ci, co) in new (long, long)[] { (64, 128), (160, 160), (320, 320) })
                list.Add(new ProfiledConvShape(ConvEfficiencyCurve.Strided, ci, co, 3, 2, s));
            foreach (var (ci, co) in new (long, long)[] { (192, 384), (384, 768), (768, 1536) })
                list.Add(new ProfiledConvShape(ConvEfficiencyCurve.PointwiseStrided, ci, co, 1, 2, s));
        }
        foreach (var s in new long[] { 28, 56, 112 })
        {
            foreach (var co in new long[] { 32, 64 }) list.Add(new ProfiledConvShape(ConvEfficiencyCurve.Thin, 3, co, 3, 2, s));
        }
        return list.Where(x => ModelFlops(x) <= ConvShapeGrid.MaxFlops).ToList();
    }

    /// <summary>FLOPs of the whole probe model (the timed conv and the convs around it).</summary>
    private static double ModelFlops(ProfiledConvShape x)
    {
        var inPixels = (double)(x.OutSize * x.Stride) * (x.OutSize * x.Stride);
        return x.Class == ConvEfficiencyCurve.Thin
            ? x.Flops + 2 * (2.0 * x.OutputPixels * x.OutChannels * x.OutChannels * 9)
            : x.Flops + 2.0 * inPixels * x.InChannels * x.InChannels;
    }
}
