using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Devices.Import;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `devices import DEVICE PROFILE --model PART.onnx [--times TIMES] [--precision P] [--name NAME] [--shape B] [-o FILE]`:
/// a device profile fitted to what trtexec measured on the real device for one compiled part
/// (`trtexec --loadEngine=part.engine --exportProfile=PROFILE --exportTimes=TIMES`). DEVICE (a built-in name or a
/// profile file) gives the peaks, the bandwidth and every figure the measurement does not constrain. Without -o
/// the profile JSON is printed; with -o it is written (to a temporary name, then renamed) and the layer matching
/// and the fit are printed.
/// </summary>
internal static class DevicesImportCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Register(CommandLineApplication devices, CliOutput output) => devices.Command("import", cmd =>
    {
        cmd.Description = "Fit a device profile (per-kernel overhead, efficiencies) to a trtexec per-layer profile of a compiled part run on the device.";
        cmd.HelpOption("-h|--help");
        var device = cmd.Argument("DEVICE", "the device profiled: a built-in name or a profile file; its peaks and bandwidth are kept");
        var profile = cmd.Argument("PROFILE", "the per-layer profile trtexec wrote with --exportProfile=PROFILE");
        var model = cmd.Option("--model <PART>", "the part model (ONNX) the profiled engine was built from (required)", CommandOptionType.SingleValue);
        var times = cmd.Option("--times <TIMES>", "the timing trace trtexec wrote with --exportTimes: layer times are scaled to its median computeMs", CommandOptionType.SingleValue);
        var precision = CliConventions.Precision(cmd, "the precision the engine was built at: fp32, fp16 (default) or int8");
        var name = cmd.Option("--name <NAME>", "the profile's name (default DEVICE-trtexec)", CommandOptionType.SingleValue);
        var shape = cmd.Option("--shape <BINDING>", "bind a part input's shape (input=1x3x224x224) or a symbolic dimension (batch=1)", CommandOptionType.MultipleValue);
        var outFile = cmd.Option("-o|--output <FILE>", "write the profile here (else, or with -, print it)", CommandOptionType.SingleValue);
        CliConventions.Examples(cmd,
            "devices import jetson-nano profile.json --model out/part0.onnx -o nano-measured.json",
            "devices import jetson-orin-nano profile.json --model out/part1.onnx --times times.json --precision int8 -o orin.json");
        cmd.OnExecute(() =>
        {
            if (device.Value is null || profile.Value is null) throw new CommandParsingException(cmd, "give DEVICE and PROFILE: devices import DEVICE PROFILE --model PART.onnx");
            if (!model.HasValue()) throw new CommandParsingException(cmd, "--model PART.onnx is required: the part the profiled engine was built from");
            CliConventions.CheckOutput(cmd, outFile);
            if (outFile.Value() is { } o && o != "-" && new[] { device.Value, profile.Value, model.Value(), times.Value() }.Any(i => i is not null && SamePath(i, o)))
            {
                throw new CommandParsingException(cmd, $"-o '{o}' names one of the inputs; write the profile to a new file");
            }
            var lowest = CliConventions.ParsePrecision(cmd, precision) ?? TargetPrecision.Fp16;
            var bindings = ShapeBindings.Parse(shape.Values);
            var start = DeviceCatalog.Resolve(device.Value);
            var trt = TrtexecProfile.Read(profile.Value);
            var trace = times.Value() is { } t ? TrtexecTimes.Read(t) : null;
            TrtexecImportResult result;
            var (loaded, display) = ModelSource.Open(model.Value(), null);
            using (loaded)
            {
                var part = ModelAnalysis.Run(loaded, display, bindings);
                result = TrtexecImport.Run(new TrtexecImportInput(start, part, trt, Path.GetFileName(profile.Value), trace,
                    times.Value() is { } tn ? Path.GetFileName(tn) : null, lowest, name.Value()));
            }
            var text = DeviceProfileJson.WriteText(result.Profile);
            DeviceProfileJson.ParseText(text, outFile.Value()); // never write a profile --devices would refuse
            if (outFile.Value() is not { } path || path == "-")
            {
                output.Out.Write(text);
                return ExitCodes.Success;
            }
            AtomicFile.WriteText(path, text);
            output.Out.Write(Summary(result, start));
            output.Out.WriteLine($"wrote {path}: device profile '{result.Profile.Name}' (use --devices {path},…)");
            return ExitCodes.Success;
        });
    });

    private static bool SamePath(string a, string b)
    {
        try
        {
            return string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    private static string Reason(LayerRole role) => role switch
    {
        LayerRole.Reformat => "reformatting or copy",
        LayerRole.Free => "free ops only",
        _ => "names no node of the part",
    };

    public static string Summary(TrtexecImportResult r, DeviceProfile start)
    {
        var w = new StringWriter(C) { NewLine = "\n" };
        var d = r.Profile;
        var matched = r.Match.Layers.Where(l => l.Role == LayerRole.Matched).ToList();
        w.WriteLine(string.Create(C, $"{r.Match.Layers.Count} layers: {matched.Count} matched to {r.Match.Groups.Sum(g => g.Kernels.Count)} of {r.Kernels.Launched} kernels in {r.Match.Groups.Count} groups ({matched.Sum(l => l.Layer.Seconds) * 1e3:0.###} ms), {r.Match.Layers.Count - matched.Count} as overhead ({r.UnmatchedSeconds * 1e3:0.###} ms)"));
        foreach (var l in r.Match.Layers.Where(l => l.Role != LayerRole.Matched))
        {
            w.WriteLine(string.Create(C, $"  overhead {l.Layer.Seconds * 1e3,9:0.####} ms  {l.Layer.Name}  ({Reason(l.Role)})"));
        }
        if (r.TimeScale != 1) w.WriteLine(string.Create(C, $"layer times scaled by {r.TimeScale:0.####} to the median computeMs of --times"));
        w.WriteLine(string.Create(C, $"at {r.Precision.Name()}: kernel overhead {start.KernelOverhead * 1e6:0.###} -> {d.KernelOverhead * 1e6:0.###} us, memory efficiency {start.MemoryEfficiency:0.###} -> {d.MemoryEfficiency:0.###}"));
        foreach (var c in r.Fit.Classes)
        {
            w.WriteLine(string.Create(C, $"  {c.OpType,-20} compute efficiency {start.ComputeEfficiencyFor(c.OpType):0.###} -> {c.Efficiency:0.###} ({c.Kernels} kernels, {c.Flops / 1e9:0.###} GFLOP)"));
        }
        w.WriteLine(string.Create(C, $"fit: relative RMS error {r.Fit.RelativeRms * 100:0.##}% over {r.Match.Groups.Count} groups, {r.Fit.Rounds} round(s)"));
        return w.ToString();
    }
}
