using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `devices [NAME|FILE] [--json FILE|-]`: the built-in device catalog as a table, or one profile with its sources.
/// The JSON of one profile is a valid profile file, so `devices jetson-nano --json mine.json` is the way
/// to start a custom device.
/// </summary>
internal static class DevicesCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("devices", cmd =>
    {
        cmd.Description = "List the built-in device profiles, or show one (a built-in name or a profile file) with its sources.";
        cmd.HelpOption("-h|--help");
        var spec = cmd.Argument("DEVICE", "a built-in device name or a device profile file (NAME.json)");
        var json = CliConventions.Json(cmd, "the profile(s), every field and source included (one profile's JSON is a valid profile file)");
        CliConventions.Examples(cmd, "devices", "devices jetson-nano", "devices jetson-nano --json my-nano.json",
            "devices import jetson-nano profile.json --model out/part0.onnx -o nano-measured.json");
        DevicesImportCommand.Register(cmd, output);
        cmd.OnExecute(() =>
        {
            CliConventions.CheckOutput(cmd, json);
            if (spec.Value is { } one)
            {
                var device = DeviceCatalog.Resolve(one);
                CliConventions.WriteJson(json, DeviceProfileJson.WriteText(device), output);
                if (!CliConventions.JsonToStdout(json)) output.Out.Write(Detail(device));
            }
            else
            {
                CliConventions.WriteJson(json, CatalogJson(DeviceCatalog.Builtin), output);
                if (!CliConventions.JsonToStdout(json)) output.Out.Write(Table(DeviceCatalog.Builtin));
            }
            return ExitCodes.Success;
        });
    });

    /// <summary>The same shape as catalog.json: {"devices": [profile, …]}, with schemaVersion first and warnings last.</summary>
    public static string CatalogJson(IEnumerable<DeviceProfile> devices) =>
        CodesignJson.Write(new CatalogDocument { Devices = devices.Select(d => DeviceProfileJson.Document(d)).ToList() }, CodesignJsonWriter.Default.CatalogDocument);

    public static string Table(IEnumerable<DeviceProfile> devices)
    {
        var o = new StringWriter(C) { NewLine = "\n" };
        o.WriteLine($"{"device",-18} {"fp32",8} {"fp16",8} {"int8",8} {"GB/s",7} {"ridge16",8} {"TensorRT",8} {"eff.c",5} {"eff.m",5} {"node us",7}");
        o.WriteLine($"{"",-18} {"TFLOP/s",8} {"TFLOP/s",8} {"TOPS",8} {"",7} {"FLOP/B",8}");
        foreach (var d in devices)
        {
            o.WriteLine(string.Create(C,
                $"{d.Name,-18} {Tera(d.PeakFp32),8} {Tera(d.PeakFp16),8} {Tera(d.PeakInt8),8} {d.MemoryBandwidth / 1e9,7:0.##} " +
                $"{d.Ridge(Precision.Fp16),8:F1} {d.TensorRtVersion ?? "none",8} {d.ComputeEfficiency,5:F2} {d.MemoryEfficiency,5:F2} {d.KernelOverhead * 1e6,7:0.##}"));
        }
        o.WriteLine();
        o.WriteLine("Peaks are dense (sparse vendor figures halved). Efficiencies and node overheads are assumptions, not measurements;");
        o.WriteLine("`devices NAME` shows where every figure comes from.");
        return o.ToString();
    }

    public static string Detail(DeviceProfile d)
    {
        var o = new StringWriter(C) { NewLine = "\n" };
        o.WriteLine($"{d.Name}: {d.DisplayName}");
        o.WriteLine(string.Create(C, $"  fp32      {Tera(d.PeakFp32)} TFLOP/s   ridge {d.Ridge(Precision.Fp32):F1} FLOP/B"));
        o.WriteLine(string.Create(C, $"  fp16      {Tera(d.PeakFp16)} TFLOP/s   ridge {d.Ridge(Precision.Fp16):F1} FLOP/B"));
        o.WriteLine(d.Supports(Precision.Int8)
            ? string.Create(C, $"  int8      {Tera(d.PeakInt8)} TOPS      ridge {d.Ridge(Precision.Int8):F1} op/B")
            : $"  int8      none (no int8 path: an int8 part runs at {d.EffectivePrecision(Precision.Int8).Name()})");
        o.WriteLine($"  precisions {string.Join(", ", d.Precisions.Select(p => p.Name()))} (runs natively; --precision is the lowest allowed, a part runs at the lowest of these at or above it)");
        o.WriteLine(string.Create(C, $"  memory    {d.MemoryBandwidth / 1e9:0.##} GB/s"));
        o.WriteLine(string.Create(C, $"  efficiency compute {d.ComputeEfficiency:0.##}, memory {d.MemoryEfficiency:0.##}; node overhead {d.KernelOverhead * 1e6:0.##} us"));
        o.WriteLine($"  TensorRT  {d.TensorRtVersion ?? "none (parts run in ONNX Runtime)"}");
        o.WriteLine("  sources:");
        if (d.Sources.Count == 0) o.WriteLine("    (none given)");
        foreach (var s in d.Sources) o.WriteLine($"    - {s}");
        return o.ToString();
    }

    private static string Tera(double? v) => v is { } rate ? Tera(rate) : "-";

    private static string Tera(double v) => (v / 1e12).ToString(v < 1e12 ? "0.####" : "0.###", C);
}
