using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `probe [-o host.json] [--plain-output host-plain.json] [--name NAME] [--runs N] [--warmup N] [--threads N] [--plain]`:
/// measures this machine in ONNX Runtime and writes it as a device profile (a valid profile file, so
/// `--devices host.json,jetson-nano` plans with it). Without -o the profile JSON goes to stdout; with -o
/// the file is written and the measurements behind it are printed. --plain-output also writes the plain
/// roofline profile of the same measurements (named NAME-plain), to compare the fits against.
/// </summary>
internal static class ProbeCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("probe", cmd =>
    {
        cmd.Description = "Measure this machine (peak FLOP/s, memory bandwidth, node overhead, per-op efficiency) as a device profile.";
        cmd.HelpOption("-h|--help");
        var outFile = cmd.Option("-o|--output <FILE>", "write the profile here (else, or with -, print it)", CommandOptionType.SingleValue);
        var name = cmd.Option("--name <NAME>", "the profile's name (default host)", CommandOptionType.SingleValue);
        var timing = TimingArguments.Add(cmd, new ProbeOptions().Timing);
        var plain = cmd.Option("--plain", "the plain roofline profile: no single-op fits (one efficiency for every op, the DRAM copy's bandwidth)", CommandOptionType.NoValue);
        var plainOut = cmd.Option("--plain-output <FILE>", "also write the plain profile of the same measurements (named NAME-plain); - prints it instead of the summary (needs -o FILE)", CommandOptionType.SingleValue);
        CliConventions.Examples(cmd, "probe -o host.json", "probe -o host.json --plain-output host-plain.json --runs 20 --threads 4");
        cmd.OnExecute(() =>
        {
            var profileFile = outFile.Value() is "-" ? null : outFile.Value();
            if (plainOut.Value() == "-" && profileFile is null)
            {
                throw new CommandParsingException(cmd, "--plain-output - needs -o FILE: two profiles cannot both be printed");
            }
            CliConventions.CheckOutput(cmd, outFile);
            CliConventions.CheckOutput(cmd, plainOut);
            var options = new ProbeOptions
            {
                Name = name.Value() ?? "host",
                Timing = timing.Parse(cmd),
                Fit = !plain.HasValue(),
            };
            ProbeResult result;
            using (var progress = Progress.For(output))
            {
                result = HostProbe.Run(options, (label, done, total) => progress.Report(label, done, total));
            }
            foreach (var warning in result.Warnings) output.Error.WriteLine($"{CodesignCli.ToolName}: warning: {warning}");
            var text = Checked(result.Profile, profileFile);
            var plainText = plainOut.Value() is { } plainPath ? Checked(result.Plain with { Name = result.Plain.Name + "-plain" }, plainPath) : null;
            if (plainText is not null && plainOut.Value() != "-") AtomicFile.WriteText(plainOut.Value()!, plainText);
            if (profileFile is not { } path)
            {
                output.Out.Write(text);
                return ExitCodes.Success;
            }
            AtomicFile.WriteText(path, text);
            if (plainText is not null && plainOut.Value() == "-")
            {
                output.Out.Write(plainText);
                return ExitCodes.Success;
            }
            output.Out.Write(Summary(result));
            output.Out.WriteLine($"wrote {path}: device profile '{result.Profile.Name}' (use --devices {path},…)");
            return ExitCodes.Success;
        });
    });

    /// <summary>The profile's JSON, read back first: a probe never writes a file DeviceCatalog.Resolve refuses.</summary>
    private static string Checked(DeviceProfile profile, string? file)
    {
        var text = DeviceProfileJson.WriteText(profile);
        DeviceProfileJson.ParseText(text, file);
        return text;
    }

    public static string Summary(ProbeResult r)
    {
        var w = new StringWriter(C) { NewLine = "\n" };
        var d = r.Profile;
        w.WriteLine(d.DisplayName);
        w.WriteLine(string.Create(C, $"  fp32 {d.PeakFp32 / 1e9:0.#} GFLOP/s, fp16 {d.PeakFp16 / 1e9:0.#} GFLOP/s, int8 {d.PeakInt8.GetValueOrDefault() / 1e9:0.#} GOPS, memory {d.MemoryBandwidth / 1e9:0.##} GB/s (DRAM copy {r.Plain.MemoryBandwidth / 1e9:0.##}), node overhead {d.KernelOverhead * 1e6:0.##} us"));
        w.WriteLine();
        w.WriteLine($"  {"probe",-44} {"ms",9} {"best ms",9} {"GFLOP/s",9}");
        foreach (var m in r.Measurements)
        {
            var ms = m.Seconds is { } s ? (s * 1e3).ToString("F3", C) : "failed";
            var best = m.Fastest is { } b ? (b * 1e3).ToString("F3", C) : "";
            var rate = m.FlopsPerSecond is { } f ? (f / 1e9).ToString("F1", C) : "";
            w.WriteLine($"  {m.Name,-44} {ms,9} {best,9} {rate,9}");
        }
        if (d.OperatorEfficiency.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("  operatorEfficiency: " + string.Join(", ", d.OperatorEfficiency.Select(x => string.Create(C, $"{x.Key} {x.Value}"))));
        }
        foreach (var (cls, points) in d.ConvEfficiency.Points)
        {
            w.WriteLine($"  convEfficiency {cls} (output pixels: efficiency): " + string.Join(", ", points.Select(p => string.Create(C, $"{p.OutputPixels}: {p.Efficiency}"))));
        }
        return w.ToString();
    }
}

/// <summary>--runs, --warmup and --threads, shared by probe, measure and compile --measure.</summary>
internal sealed class TimingArguments
{
    private readonly CommandOption _runs, _warmup, _threads;
    private readonly TimingOptions _defaults;

    private TimingArguments(CommandOption runs, CommandOption warmup, CommandOption threads, TimingOptions defaults) =>
        (_runs, _warmup, _threads, _defaults) = (runs, warmup, threads, defaults);

    public static TimingArguments Add(CommandLineApplication cmd, TimingOptions defaults) => new(
        cmd.Option("--runs <N>", $"timed runs per model; the mean of the middle runs is kept, a fifth dropped at each end (default {defaults.Runs})", CommandOptionType.SingleValue),
        cmd.Option("--warmup <N>", $"untimed runs first (default {defaults.Warmup})", CommandOptionType.SingleValue),
        cmd.Option("--threads <N>", "ONNX Runtime intra-op threads (default: every core, as probe measures)", CommandOptionType.SingleValue),
        defaults);

    public TimingOptions Parse(CommandLineApplication cmd) => new(
        Count(cmd, _runs, _defaults.Runs, 1),
        Count(cmd, _warmup, _defaults.Warmup, 0),
        Count(cmd, _threads, _defaults.Threads, 1));

    private static int Count(CommandLineApplication cmd, CommandOption option, int fallback, int min)
    {
        if (!option.HasValue()) return fallback;
        return int.TryParse(option.Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= 100_000
            ? n
            : throw new CommandParsingException(cmd, $"--{option.LongName} '{option.Value()}' is not a whole number of at least {min}");
    }
}
