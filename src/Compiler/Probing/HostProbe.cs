using System.Globalization;
using Onnx;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>One timed probe: what it ran, its work by the cost conventions, its typical (<see cref="Measurement.Statistics.TypicalSeconds"/>) and fastest seconds (null when ORT refused it).</summary>
public sealed record ProbeMeasurement(string Name, string OpType, double Flops, double Bytes, double? Seconds, double? Fastest = null, string? Failure = null)
{
    /// <summary>For a probe with a profiled node (<see cref="ProbeItem.ProfiledNode"/>): that node's own typical seconds by ONNX Runtime's profiler.</summary>
    public double? NodeSeconds { get; init; }

    /// <summary>
    /// The seconds a fit explains with the node overhead included: the profiled node's own time plus that overhead (the
    /// profiler's time carries no launch), else the whole run's typical time.
    /// </summary>
    public double? FitSeconds(double overhead) => NodeSeconds is > 0 and var t ? t + overhead : Seconds;

    public double? FlopsPerSecond => Seconds is { } s && s > 0 ? Flops / s : null;
}

/// <summary>
/// The measured profile; the plain roofline profile from the same measurements (no single-op fits, the DRAM
/// copy's bandwidth), for comparison; every measurement behind them; and warnings (a busy host).
/// </summary>
public sealed record ProbeResult(DeviceProfile Profile, DeviceProfile Plain, IReadOnlyList<ProbeMeasurement> Measurements, IReadOnlyList<string> Warnings);

/// <summary>
/// Measures this machine as a device profile, in ONNX Runtime's CPU provider with every core by default
/// (measure uses the same default):
/// <list type="bullet">
/// <item>fp32 peak: the higher FLOP rate of a 1024³ MatMul and a 1×256×56×56 ⊛ 256×256×3×3 Conv;</item>
/// <item>fp16 and int8: a 1024³ MatMul in fp16 and a MatMulInteger (uint8·int8); where one is not clearly
/// faster than the fp32 peak (ORT's x86 CPU provider runs fp16 MatMul through casts to fp32) the fp32 peak
/// stands, and sources say so;</item>
/// <item>node overhead: the time per node of a chain of tiny Adds (a 201-node chain less a 1-node one, over 200);</item>
/// <item>memory bandwidth, plain: a 256 MB managed copy over every core, bytes read + written per second (DRAM);</item>
/// <item>fitted (the default): single-op models of common CNN ops at common CNN sizes give a compute efficiency
/// per op type (<see cref="OperatorEfficiencyFit"/>, from each op's own time by ONNX Runtime's profiler), and the streaming ones (Relu, Add, Mul) the bandwidth
/// ORT attains on activation-sized tensors, which is the memoryGBps written: on a CPU with a large last-level
/// cache a CNN's activations live there, so the DRAM copy over-predicts every memory-bound node.</item>
/// </list>
/// computeEfficiency and memoryEfficiency stay 1: the figures are attained rates, not datasheet peaks.
/// </summary>
public static class HostProbe
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public const int ChainNodes = 200;

    /// <summary>Ops whose probes only stream bytes (one FLOP per element): their rate is a bandwidth.</summary>
    public static readonly IReadOnlyList<string> StreamingOps = ["Relu", "Add", "Mul"];

    /// <param name="progress">Called with (stage, done, total) as rounds of probes and copies finish (for a progress display); null for none.</param>
    public static ProbeResult Run(ProbeOptions options, Action<string, int, int>? progress = null)
    {
        var timing = options.Timing.Validated();
        var set = Probes(options);
        List<ProbeMeasurement> measurements;
        using (var sessions = new ProbeSessions(set, timing))
        {
            var times = TimedBatch.Rounds(sessions.Sessions, timing, r => progress?.Invoke("probe: ONNX Runtime rounds", r, timing.Runs));
            measurements = sessions.Measurements(times);
        }
        progress?.Invoke("probe: memory copy", 0, 1);
        return Profile(options, set, measurements, Copy(options));
    }

    /// <summary>The models a probe with these options times (the conv grid and the single-op probes only when it fits).</summary>
    public static ProbeSet Probes(ProbeOptions options)
    {
        const long n = 1024;
        var gemmFlops = 2.0 * n * n * n;
        var probes = new List<(string Name, string Op, ModelProto Model, double? Flops, int? Profiled)>
        {
            ("Add chain x1", "Add", ProbeModels.AddChain(1), null, null),
            ($"Add chain x{ChainNodes + 1}", "Add", ProbeModels.AddChain(ChainNodes + 1), null, null),
            ("MatMul 1024x1024x1024 fp32", "MatMul", ProbeModels.MatMul(n, n, n), gemmFlops, null),
            ("Conv 1x256x56x56 * 256x256x3x3", "Conv", ProbeModels.Conv(256, 56, new ConvSpec(256, 3)), null, null),
            ("MatMul 1024x1024x1024 fp16", "MatMul", ProbeModels.MatMul(n, n, n, ElementType.Float16), gemmFlops, null),
            ("MatMulInteger 1024x1024x1024 uint8*int8", "MatMulInteger", ProbeModels.MatMulInteger(n, n, n), gemmFlops, null),
        };
        var operatorProbes = options.Fit ? OperatorProbes().ToList() : [];
        // Each single-op probe's op is timed by ONNX Runtime's profiler: in a model of one op, ORT puts layout reorders
        // around an op it runs blocked (NCHWc: Conv, MaxPool, GlobalAveragePool), which the kernel model costs as
        // kernels of their own (LayoutReorders); inside a network the op runs without them.
        probes.AddRange(operatorProbes.Select(p => (p.Name, p.OpType, p.Model, (double?)null, (int?)0)));
        var grid = options.Fit ? ConvShapeGrid.Shapes : [];
        foreach (var c in grid)
        {
            probes.Add((c.Name(ConvShapeGrid.LongChain), "Conv", c.Chain(ConvShapeGrid.LongChain), null, ConvShapeGrid.TimedConv));
        }
        var profiled = options.Fit
            ? ProfiledConvShape.Shapes.Where(c => c.Class != ConvEfficiencyCurve.Thin || HostNchwcBlock() > 0).ToList()
            : [];
        return new ProbeSet(probes, operatorProbes.Count, grid, profiled);
    }

    /// <summary>The DRAM copy's bandwidth (bytes read + written per second) and the median seconds of one copy, at the options' threads.</summary>
    public static (double BytesPerSecond, double Seconds) Copy(ProbeOptions options)
    {
        var timing = options.Timing.Validated();
        return MemoryBandwidth.Measure(options.CopyBytes, timing.EffectiveThreads, timing.Runs, timing.Warmup);
    }

    /// <summary>
    /// The profiles from a probe's measurements (in <paramref name="set"/>'s order) and the DRAM copy.
    /// </summary>
    /// <param name="timedWith">How the probes were timed, when not alone (a clause for the profile's sources); null when alone.</param>
    public static ProbeResult Profile(ProbeOptions options, ProbeSet set, IReadOnlyList<ProbeMeasurement> measurements, (double BytesPerSecond, double Seconds) copied,
        string? timedWith = null)
    {
        if (measurements.Count != set.Items.Count) throw new ArgumentException($"{measurements.Count} measurements for {set.Items.Count} probes", nameof(measurements));
        var timing = options.Timing.Validated();
        var threads = timing.EffectiveThreads;
        var warnings = new List<string>();
        var grid = set.Grid;
        var operatorCount = set.OperatorCount;
        var (one, many, gemm, conv, half, int8) = (measurements[0], measurements[1], measurements[2], measurements[3], measurements[4], measurements[5]);
        var overhead = Math.Max(0, ((many.Seconds ?? throw Failed(many)) - (one.Seconds ?? throw Failed(one))) / ChainNodes);
        var gemmRate = gemm.FlopsPerSecond ?? throw Failed(gemm);
        var convRate = conv.FlopsPerSecond ?? throw Failed(conv);
        // A profiled conv's own time carries no launch; the fits take the overhead off every time, so it is added here.
        var chains = measurements.Skip(ProbeSet.ReferenceCount + operatorCount).ToList();
        var perConv = grid.Select((c, i) => (Shape: c, Seconds: chains[i].NodeSeconds is { } t && t > 0 ? t + overhead : (double?)null)).Where(x => x.Seconds is not null)
            .Select(x => (x.Shape, x.Seconds!.Value)).ToList();
        var profiledConvs = set.Profiled.Select((c, i) => (Shape: c, M: measurements[set.Items.Count - set.Profiled.Count + i]))
            .Where(x => x.M.NodeSeconds is > 0)
            .Select(x => new ConvTiming(x.Shape.Class, x.Shape.OutputPixels, x.Shape.Flops, x.M.NodeSeconds!.Value + overhead)).ToList();
        var convTimings = perConv.Select(c => new ConvTiming(c.Shape.KernelClass, c.Shape.OutputPixels, c.Shape.Flops, c.Value)).Concat(profiledConvs).ToList();
        var gridRates = ConvEfficiencyFit.Rates(perConv, overhead);
        var gridBest = gridRates.Count == 0 ? default : gridRates.MaxBy(r => r.Rate);
        var peak32 = OperatorEfficiencyFit.Significant(Math.Max(Math.Max(gemmRate, convRate), gridBest.Rate), 4);
        var (peak16, half16Source) = Reduced("fp16", "TFLOP/s", half, peak32);
        var (peak8, int8Source) = Reduced("int8", "TOPS", int8, peak32);
        foreach (var m in new[] { gemm, conv }.Where(m => m.Fastest is { } f && m.Seconds > 1.25 * f))
        {
            warnings.Add(S($"the host looked busy: {m.Name} took {Ms(m.Seconds)} ms typically but {Ms(m.Fastest)} ms at best; probe an idle machine, or use --threads 1 for probe and measure alike"));
        }

        var (copyRate, copySeconds) = copied;
        var copy = OperatorEfficiencyFit.Significant(copyRate, 4);

        Verification.OrtEnvironment.Ensure();
        var ort = Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();
        var common = new List<string>
        {
            $"measured on this host by `codesign-compile probe`: ONNX Runtime {ort} CPU provider, {threads} intra-op thread(s), all graph optimizations, the mean of the middle runs of {timing.Runs} (a fifth dropped at each end) after {timing.Warmup} warm-up{(timedWith is null ? "" : ", " + timedWith)}; time parts with `measure` at the same thread count",
            S($"fp32 {Tera(peak32)} TFLOP/s: the highest of MatMul 1024x1024x1024 ({Tera(gemmRate)} TFLOP/s, {Ms(gemm.Seconds)} ms), Conv 1x256x56x56 * 256x256x3x3 ({Tera(convRate)} TFLOP/s, {Ms(conv.Seconds)} ms)")
                + (gridRates.Count == 0 ? "" : S($" and the conv grid's best cell ({gridBest.Class} convs at {gridBest.OutputPixels} output pixels inside chains, {Tera(gridBest.Rate)} TFLOP/s)")),
            half16Source,
            int8Source,
        };
        var copySource = S($"a {options.CopyBytes >> 20} MB buffer copied into another by {threads} thread(s) in managed code (Span.CopyTo), bytes read + written over the median of {timing.Runs} copies ({Ms(copySeconds)} ms): {copy / 1e9:0.###} GB/s");
        var tail = new List<string>
        {
            S($"kernelOverhead {OperatorEfficiencyFit.Significant(overhead, 3) * 1e6:0.###} us: (chain of {ChainNodes + 1} Adds on 1x16, each a kernel of its own in ONNX Runtime, {Ms(many.Seconds)} ms, less a chain of 1, {Ms(one.Seconds)} ms) / {ChainNodes}"),
            "computeEfficiency 1, memoryEfficiency 1: the peaks and the bandwidth above are rates attained here, not datasheet figures",
        };
        var plain = new DeviceProfile
        {
            Name = options.Name,
            DisplayName = $"This host ({Cpu()}, {Environment.ProcessorCount} cores), ONNX Runtime {ort} CPU",
            PeakFp32 = peak32,
            PeakFp16 = peak16,
            PeakInt8 = peak8,
            MemoryBandwidth = copy,
            KernelOverhead = OperatorEfficiencyFit.Significant(overhead, 3),
            TensorRtVersion = null,
            NchwcBlock = HostNchwcBlock(),
            Sources = [.. common, "memory: " + copySource, .. tail, S($"nchwcBlock {HostNchwcBlock()}: ONNX Runtime's NCHWc block for this CPU's widest vector unit (16 with AVX-512F, 8 with AVX2, 0 otherwise: no blocked convs, no layout reorders)")],
        };
        if (!options.Fit) return new ProbeResult(plain, plain, measurements, warnings);

        // The fits: every probe of a kind of op, the big conv of the peak included.
        var ops = measurements.Skip(ProbeSet.ReferenceCount).Take(operatorCount).Prepend(conv).Where(m => m.Seconds is not null).ToList();
        var efficiency = OperatorEfficiencyFit.Fit(ops.Select(p => (p.OpType, p.Flops, p.FitSeconds(overhead)!.Value)), peak32, overhead);
        // The streaming ops run unblocked in a model of one op (no reorders around them): their whole run is the op.
        var streaming = ops.Where(m => StreamingOps.Contains(m.OpType)).ToList();
        var stream = streaming.Count == 0 ? copy
            : OperatorEfficiencyFit.Significant(streaming.Sum(m => m.Bytes) / streaming.Sum(m => Math.Max(m.Seconds!.Value - overhead, m.Seconds.Value / 2)), 4);
        var fitted = plain with
        {
            MemoryBandwidth = stream,
            OperatorEfficiency = efficiency.Count > 0 ? efficiency : DeviceProfile.NoOperatorEfficiency,
            ConvEfficiency = ConvEfficiencyFit.Fit(convTimings, peak32, overhead),
            Sources =
            [
                .. common,
                S($"memory {stream / 1e9:0.###} GB/s: what ONNX Runtime attained streaming CNN-sized activations ({string.Join(", ", streaming.Select(m => m.Name))}: bytes read + written / (time - node overhead)); in CNN inference activations stay in this CPU's caches, so this, not DRAM, bounds memory-bound nodes. The DRAM figure: {copySource}"),
                .. tail,
                "operatorEfficiency: per op type, the probes' FLOPs / (fp32 peak x the op's own typical time), from single-op models of common CNN ops at common CNN sizes, each op timed by ONNX Runtime's profiler (without the layout reorders ORT puts around a blocked op in a model of one op, which the kernel model costs on their own; the 3x3 Conv of the peak: its whole run less the node overhead): " +
                    string.Join("; ", ops.Select(p => p.NodeSeconds is > 0
                        ? S($"{p.Name} {p.NodeSeconds.Value * 1e3:0.###} ms (whole run {p.Seconds!.Value * 1e3:0.###} ms)")
                        : S($"{p.Name} {p.Seconds!.Value * 1e3:0.###} ms"))),
                S($"convEfficiency: per class (1x1, kxk, {ConvEfficiencyCurve.Strided}, {ConvEfficiencyCurve.PointwiseStrided}, {ConvEfficiencyCurve.Thin}) and output size, FLOPs / (fp32 peak x (time - node overhead)) of a grid of {grid.Count} synthetic stride-1 conv shapes (output {string.Join(", ", ConvShapeGrid.Sizes.Select(x => $"{x}x{x}"))}; 64 to 2048 channels), each the middle conv of a chain of {ConvShapeGrid.LongChain} timed by ONNX Runtime's profiler: a conv as it runs inside a network, without the model's input and output layout reorders and the session's fixed cost")
                    + (set.Profiled.Count == 0 ? "" : S($"; {ConvEfficiencyCurve.Strided}, {ConvEfficiencyCurve.PointwiseStrided} and {ConvEfficiencyCurve.Thin}: {set.Profiled.Count} convs timed by ONNX Runtime's profiler inside small models (3x3 and 1x1 stride-2 convs after a 1x1 conv that writes their input; 3x3 stride-2 stems on 3 channels followed by two 3x3 convs), FLOPs / (fp32 peak x the conv's own typical time)")),
            ],
        };
        return new ProbeResult(fitted, plain, measurements, warnings);
    }

    /// <summary>
    /// The single-op probes behind the fits: the ops of ImageNet CNNs (VGG/ResNet/RepVGG/MobileNet families)
    /// at the activation sizes their stages have, not shapes taken from any one model.
    /// </summary>
    public static IEnumerable<(string Name, string OpType, ModelProto Model)> OperatorProbes()
    {
        yield return ("Conv 1x64x56x56 * 64x64x3x3", "Conv", ProbeModels.Conv(64, 56, new ConvSpec(64, 3)));
        yield return ("Conv 1x512x14x14 * 512x512x3x3", "Conv", ProbeModels.Conv(512, 14, new ConvSpec(512, 3)));
        yield return ("Conv 1x256x56x56 * 64x256x1x1", "Conv", ProbeModels.Conv(256, 56, new ConvSpec(64, 1)));
        yield return ("Conv 1x128x56x56 * 128x128x3x3 /2", "Conv", ProbeModels.Conv(128, 56, new ConvSpec(128, 3, 2)));
        yield return ("Relu 1x64x112x112", "Relu", ProbeModels.Unary("Relu", 64, 112));
        yield return ("Sigmoid 1x64x112x112", "Sigmoid", ProbeModels.Unary("Sigmoid", 64, 112));
        yield return ("Add 1x256x56x56 + 1x256x56x56", "Add", ProbeModels.Binary("Add", 256, 56));
        yield return ("Mul 1x256x56x56 * 1x256x56x56", "Mul", ProbeModels.Binary("Mul", 256, 56));
        yield return ("MaxPool 3x3/2 1x64x112x112", "MaxPool", ProbeModels.MaxPool(64, 112, 3, 2, 1));
        yield return ("GlobalAveragePool 1x2048x7x7", "GlobalAveragePool", ProbeModels.Unary("GlobalAveragePool", 2048, 7));
        yield return ("Gemm 1x2048 * 1000x2048", "Gemm", ProbeModels.Gemm(2048, 1000));
    }

    /// <summary>
    /// A reduced precision's peak: its measured GEMM rate where that beats the fp32 peak by more than 10 %,
    /// else the fp32 peak, with the reason. Compared with the peak, not the fp32 MatMul alone, so one slow
    /// fp32 MatMul (a busy host) cannot make fp16 look faster than it is.
    /// </summary>
    private static (double Peak, string Source) Reduced(string label, string unit, ProbeMeasurement m, double peak32)
    {
        if (m.FlopsPerSecond is not { } rate)
        {
            return (peak32, $"{label} {Tera(peak32)} {unit}: set to the fp32 peak; ONNX Runtime's CPU provider could not run {m.Name} ({m.Failure})");
        }
        if (rate > 1.1 * peak32)
        {
            var peak = OperatorEfficiencyFit.Significant(rate, 4);
            return (peak, S($"{label} {Tera(peak)} {unit}: {m.Name} ({Ms(m.Seconds)} ms), {rate / peak32:0.00}x the fp32 peak"));
        }
        return (peak32, S($"{label} {Tera(peak32)} {unit}: set to the fp32 peak; {m.Name} ran at {Tera(rate)} T/s ({Ms(m.Seconds)} ms), not faster than fp32, so this provider has no faster {label} path here"));
    }

    /// <summary>MLAS's NCHWc block size: 16 where AVX-512F runs, 8 with AVX2, else 0 (no NCHWc kernels, as on Arm).</summary>
    public static int HostNchwcBlock() =>
        System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? 16 : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? 8 : 0;

    private static string Cpu()
    {
        try
        {
            var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            if (line is not null && line.IndexOf(':') is var i and >= 0) return line[(i + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static CodesignException Failed(ProbeMeasurement m) =>
        new(ErrorCodes.RuntimeFailed, $"probe: ONNX Runtime could not run {m.Name}: {m.Failure}");

    private static string Tera(double x) => (x / 1e12).ToString("0.####", C);

    private static string Ms(double? s) => s is { } v ? (v * 1e3).ToString("0.###", C) : "n/a";

    private static string S(FormattableString s) => s.ToString(C);
}
