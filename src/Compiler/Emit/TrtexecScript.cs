using System.Globalization;
using System.Text;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>
/// An input of a part. <paramref name="Symbolic"/>: the part model declares a dimension of it symbolic
/// (compile writes its parts with the bound sizes, so its parts have none). Only such inputs get --shapes: trtexec up to TensorRT 8 refuses
/// --shapes on a static network ("Static model does not take explicit shapes ..."), and a static input's
/// shape is in the model anyway.
/// </summary>
/// <paramref name="Type"/> is the input's element type as plan.json names it (ElementType.Name: float, float16, int8,
/// uint8; "float32" is read as float too): a part that receives a tensor over an fp16 or int8 wire, or the camera's
/// uint8 frame, declares that type itself.
public sealed record TrtexecInput(string Name, long[] Shape, bool Symbolic, string Type = "float")
{
    /// <summary>
    /// The input's optimization profile (compile --shape-range NAME=MIN:OPT:MAX): the engine takes any shape from MIN to
    /// MAX and is tuned for OPT. Null: built for <see cref="Shape"/> alone. Only a <see cref="Symbolic"/> input has one.
    /// </summary>
    public ShapeRange? Range { get; init; }
}

/// <summary>
/// One part to build: its ONNX file and engine file (relative to the script), device, and the precision the part
/// runs at there (its device's effective precision, never one the device lacks).
/// </summary>
public sealed record TrtexecPart(string OnnxFile, string EngineFile, DeviceProfile Device, Precision Precision, IReadOnlyList<TrtexecInput> Inputs)
{
    /// <summary>
    /// An int8 part is a QDQ model (explicit quantization: Q/DQ nodes with scales from calibration at compile),
    /// so its engine needs no calibration cache; this tool never emits implicit (calibrator) int8 builds, which
    /// TensorRT deprecated in 10.1 and removed in 11.
    /// </summary>
    public bool Qdq => Precision == Precision.Int8;

    /// <summary>
    /// The element types of the part's outputs in the part model's order, as plan.json names them (as
    /// <see cref="TrtexecInput.Type"/>; a part ending with an fp16 or int8 wire conversion outputs float16 or int8).
    /// Empty: every output is float32.
    /// </summary>
    public IReadOnlyList<string> OutputTypes { get; init; } = [];

    /// <summary>
    /// Whether the part file holds fp16 weights and compute (compile's cast-fp16 pass), so that a strongly typed build
    /// runs it in fp16: compile writes an fp16 part so exactly where <see cref="TrtexecScript.WritesFp16Part"/> says.
    /// </summary>
    public bool StoredFp16 { get; init; } = TrtexecScript.WritesFp16Part(Device, Precision);
}

/// <summary>
/// Writes build-engines.sh: one trtexec command per part, with the flags the device's TensorRT version takes.
/// One code path reads one table of facts, each with its source:
/// <code>
/// since   fact                                                                source
/// 8.0     --timingCacheFile                                                   trtexec --help, TensorRT 8.0 (samples/trtexec/README.md)
/// 8.4     --memPoolSize=workspace:N replaces --workspace=N (removed in 10)    TensorRT 8.4 release notes; trtexec --help v8412
/// 7.0     --minShapes/--optShapes/--maxShapes (one optimization profile)      IOptimizationProfile (TensorRT 7.0.0 C++ API); trtexec flags,
///         and --shapes for a dynamic input; a static network refuses both     docs.nvidia.com/deeplearning/tensorrt/latest/reference/command-line-programs.html
/// 10.0    --inputIOFormats/--outputIOFormats take uint8                       trtexec --help v100600 (8.4's lists fp32|fp16|int32|int8)
/// 10.12   weak typing (--fp16/--int8 as hints) deprecated: networks are built  TensorRT 10.12 release notes, "Weak typing APIs deprecated";
///         strongly typed (--stronglyTyped), types as the ONNX file says       trtexec --help: "--stronglyTyped  Create a strongly typed network"
/// 11.0    every network strongly typed; --fp16, --int8 and --best are gone,     TensorRT 10.x→11.x migration guide, "Strongly Typed Networks
///         and strong typing is the only mode: no precision flag at all         Are Now Required"; BuilderFlag::kFP16/kINT8 removed
/// </code>
/// From 10.12 an fp16 part is therefore written in fp16 by compile itself (<see cref="WritesFp16Part"/>, pass cast-fp16),
/// and an int8 part is a QDQ model in every version: with strong typing the file's types are the engine's.
/// Engines are specific to a GPU and a TensorRT version, so the script is run on each device with that
/// device's name and builds only its parts. A pure function of its arguments: LF line ends, no absolute
/// paths, the same text for the same plan.
/// </summary>
public static class TrtexecScript
{
    public const string FileName = "build-engines.sh";

    /// <summary>The builder's workspace limit in MiB. trtexec 8.2 defaults to 16 MiB, too small for many conv tactics.</summary>
    public const int DefaultWorkspaceMiB = 1024;

    /// <summary>Versions where trtexec's flags change (the trtexec reference and the 8.x→10.x and 10.x→11.x migration guides).</summary>
    private static readonly TensorRtVersion TimingCacheSince = new(8, 0);
    private static readonly TensorRtVersion MemPoolSizeSince = new(8, 4);
    private static readonly TensorRtVersion StronglyTypedOnlySince = new(11, 0);

    /// <summary>The script's file mode on Unix: rwxr-xr-x, so `./build-engines.sh DEVICE` runs as written.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>
    /// Whether compile writes a part for <paramref name="device"/> at <paramref name="precision"/> in fp16 (pass cast-fp16):
    /// an fp16 part on a TensorRT that builds strongly typed (≥ 10.12, <see cref="QdqStronglyTypedSince"/>), which
    /// runs each layer at the type the file gives it. Below 10.12 the part stays fp32 and --fp16 lets TensorRT lower it.
    /// </summary>
    public static bool WritesFp16Part(DeviceProfile device, Precision precision) =>
        precision == Precision.Fp16 && TensorRtVersion.TryParse(device.TensorRtVersion) is { } v && v >= QdqStronglyTypedSince;

    /// <summary>
    /// Weak typing (--int8/--fp16 as hints) is deprecated from 10.12 (TensorRT 10.12.0 release notes, "Weak typing
    /// APIs deprecated"); NVIDIA's explicit-quantization guide says to build Q/DQ networks strongly typed, with no
    /// precision flags (docs.nvidia.com/deeplearning/tensorrt/latest/inference-library/quantized-types-explicit-quantization.html).
    /// </summary>
    private static readonly TensorRtVersion QdqStronglyTypedSince = new(10, 12);

    /// <summary>
    /// --inputIOFormats/--outputIOFormats take uint8 from here. trtexec's --help lists the I/O types as
    /// fp32|fp16|int32|int8 from TensorRT 6 (samples/trtexec/README.md, April 2019) through 8.4 (`trtexec --help`,
    /// TensorRT v8412), and as fp32|fp16|bf16|int32|int64|int8|uint8|bool in 10.x (`trtexec --help`, TensorRT v100600).
    /// For 8.5 to 9.x no help text was at hand, so uint8 is not assumed there.
    /// </summary>
    private static readonly TensorRtVersion Uint8IoSince = new(10, 0);

    /// <summary>
    /// A part's name in the script's comments: its file's (part1.onnx → part1), so a comment names the part the command
    /// builds even where a relay part before it has no file and the list's position would be off by one.
    /// </summary>
    private static string Label(TrtexecPart part) => Path.GetFileNameWithoutExtension(part.OnnxFile);

    /// <summary>
    /// part0.onnx on jetson-nano → triton/jetson-nano/part0/1/model.plan: the engine goes where the device's Triton
    /// model repository serves it from (<see cref="Triton.TritonRepository"/>).
    /// </summary>
    public static string EngineFileFor(string onnxFile, DeviceProfile device) => Triton.TritonRepository.EngineFile(onnxFile, device);

    /// <summary>One timing cache per device: tactic timings do not carry over between GPUs.</summary>
    public static string TimingCacheFor(DeviceProfile device) => $"timing.{device.Name}.cache";

    public static string Emit(IReadOnlyList<TrtexecPart> parts, int workspaceMiB = DefaultWorkspaceMiB)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workspaceMiB, 1);
        if (parts.Count == 0) throw new ArgumentException("a plan has at least one part", nameof(parts));
        foreach (var p in parts) CheckPart(p);
        var devices = parts.Select(p => p.Device.Name).Distinct().ToList();

        var o = new StringBuilder();
        void Line(string s = "") => o.Append(s).Append('\n');
        Line("#!/usr/bin/env bash");
        Line("# Builds a TensorRT engine for each part of the plan, on the device that runs it: an engine only works");
        Line("# on the GPU and TensorRT version it was built with. Run it on each device with that device's name:");
        Line($"#   ./{FileName} {devices[0]}      (or `all` to build every part here)");
        Line("# TRTEXEC overrides the trtexec binary (JetPack puts it in /usr/src/tensorrt/bin/trtexec).");
        var qdq = parts.Where(p => p.Qdq).Select(p => $"{Label(p)} ({p.Device.Name})").ToList();
        if (qdq.Count > 0)
        {
            Line($"# QDQ int8 parts (explicit quantization; no calibration cache): {string.Join(", ", qdq)}.");
        }
        Line("# Written by codesign-compile.");
        Line("set -euo pipefail");
        Line("cd \"$(dirname \"$0\")\"");
        Line("TRTEXEC=${TRTEXEC:-trtexec}");
        Line();
        // Device names are kebab-case (checked), so they are safe as bare case patterns.
        Line("target=${1:-}");
        Line("case \"$target\" in");
        Line($"  {string.Join('|', devices)}|all) ;;");
        Line($"  *) echo \"usage: $0 DEVICE|all (devices: {string.Join(' ', devices)})\" >&2; exit 2 ;;");
        Line("esac");
        Line("wanted() { [ \"$target\" = all ] || [ \"$target\" = \"$1\" ]; }");

        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var d = part.Device;
            var label = Label(part);
            Line();
            if (d.TensorRtVersion is null)
            {
                Line($"# {label}: {d.Name} ({Comment(d.DisplayName)}) has no TensorRT; no engine is built: the part runs in ONNX Runtime");
                Line($"# from {Comment(part.OnnxFile)} (a copy sits in {Comment(TritonRepository(d))}/ for Triton's onnxruntime backend). Serve it with:");
                Line($"#   {Comment(ServeCommand(d))}");
                Line($"if wanted {d.Name}; then");
                Line($"  echo {ShellQuote($"{label}: {d.Name} runs {part.OnnxFile} in ONNX Runtime; no engine to build. Serve it with: {ServeCommand(d)}")}");
                Line("fi");
                continue;
            }
            var version = TensorRtVersion.Parse(d.TensorRtVersion);
            Line($"# {label}: {d.Name} ({Comment(d.DisplayName)}), TensorRT {version}, {Name(part.Precision)}");
            foreach (var note in Notes(part, version).Concat(IoNotes(part, version))) Line("# " + note);
            Line($"if wanted {d.Name}; then");
            if (Folder(part.EngineFile) is { } folder) Line($"  mkdir -p {ShellQuote(folder)}");
            Line("  \"$TRTEXEC\" \\");
            var args = Arguments(part, version, workspaceMiB);
            for (var a = 0; a < args.Count; a++) Line("    " + ShellQuote(args[a]) + (a < args.Count - 1 ? " \\" : ""));
            Line("fi");
        }
        return o.ToString();
    }

    /// <summary>The Triton model repository of a device's parts, relative to the script: triton/DEVICE.</summary>
    public static string TritonRepository(DeviceProfile device) => "triton/" + device.Name;

    /// <summary>The command that serves a device's parts with Triton (the onnxruntime_onnx or tensorrt_plan backend, as its configs say).</summary>
    public static string ServeCommand(DeviceProfile device) => $"tritonserver --model-repository={TritonRepository(device)}";

    /// <summary>trtexec's arguments for one part, unquoted (the script quotes each for the shell).</summary>
    public static IReadOnlyList<string> Arguments(TrtexecPart part, TensorRtVersion version, int workspaceMiB = DefaultWorkspaceMiB)
    {
        var args = new List<string> { "--onnx=" + part.OnnxFile, "--saveEngine=" + part.EngineFile };
        args.AddRange(ShapeFlags(part));
        if (version >= TimingCacheSince) args.Add("--timingCacheFile=" + TimingCacheFor(part.Device));
        // --workspace (MiB) was replaced by --memPoolSize in 8.4 and removed in 10. A bare number is MiB in
        // every version that has --memPoolSize (8.4–8.5 take no unit suffix; 8.6 on accept B/K/M/G too).
        args.Add(version >= MemPoolSizeSince
            ? string.Create(CultureInfo.InvariantCulture, $"--memPoolSize=workspace:{workspaceMiB}")
            : string.Create(CultureInfo.InvariantCulture, $"--workspace={workspaceMiB}"));
        args.AddRange(IoFormatFlags(part, version));
        args.AddRange(PrecisionFlags(part, version));
        return args;
    }

    /// <summary>
    /// The shape flags of one part (trtexec accepts them for a network with dynamic inputs only, so only
    /// <see cref="TrtexecInput.Symbolic"/> inputs are listed). Without ranges: --shapes=name:dims, the one shape the
    /// engine is built for. With a range on any input: --minShapes, --optShapes and --maxShapes (one optimization
    /// profile; trtexec README, "Example 4"), every symbolic input in each, one without a range at its shape in all three,
    /// so the profile is complete and the engine's dynamic inputs are all set.
    /// </summary>
    public static IReadOnlyList<string> ShapeFlags(TrtexecPart part)
    {
        var symbolic = part.Inputs.Where(x => x.Symbolic).ToList();
        if (symbolic.Count == 0) return [];
        if (!symbolic.Any(x => x.Range is not null)) return ["--shapes=" + string.Join(',', symbolic.Select(x => ShapeSpec(x, x.Shape)))];
        return
        [
            "--minShapes=" + string.Join(',', symbolic.Select(x => ShapeSpec(x, x.Range?.Min ?? x.Shape))),
            "--optShapes=" + string.Join(',', symbolic.Select(x => ShapeSpec(x, x.Range?.Opt ?? x.Shape))),
            "--maxShapes=" + string.Join(',', symbolic.Select(x => ShapeSpec(x, x.Range?.Max ?? x.Shape))),
        ];
    }

    /// <summary>
    /// The I/O format flags of one part: none when every input and output is float32 (trtexec's default, "all inputs
    /// in fp32:chw"). Otherwise --inputIOFormats and/or --outputIOFormats with one type:chw spec per tensor, in the
    /// part's order: trtexec's --help (8.4) says to "set comma-separated types and formats for all inputs following the
    /// same order as network inputs ID (even if only one input needs specifying IO format)", and the same for outputs.
    /// float32 → fp32, float16 → fp16, int8 → int8 (all TensorRT versions since 6), uint8 → uint8 from 10.0
    /// (<see cref="Uint8IoSince"/>). chw is the linear layout (TensorFormat::kLINEAR, "default CHW ordering with no
    /// vectorization" in TensorRT's data-format descriptions) for a tensor of any rank: the bytes on the wire are the
    /// ONNX tensor's, row-major, so TensorRT adds no reformat at the part's edge. A list holding a type the version's
    /// trtexec does not take gets no flag (a comment in the script says why); the engine then keeps the type the ONNX
    /// parser gives that tensor from the model.
    /// </summary>
    public static IReadOnlyList<string> IoFormatFlags(TrtexecPart part, TensorRtVersion version)
    {
        var flags = new List<string>();
        if (IoSpec(part.Inputs.Select(i => i.Type).ToList(), version) is { } inputs) flags.Add("--inputIOFormats=" + inputs);
        if (IoSpec(part.OutputTypes, version) is { } outputs) flags.Add("--outputIOFormats=" + outputs);
        return flags;
    }

    private static string? IoSpec(IReadOnlyList<string> types, TensorRtVersion version)
    {
        if (types.All(IsFloat32)) return null;
        var specs = types.Select(t => IoType(t, version)).ToList();
        return specs.Any(s => s is null) ? null : string.Join(',', specs.Select(s => s + ":chw"));
    }

    private static bool IsFloat32(string type) => type is "float" or "float32";

    private static string? IoType(string type, TensorRtVersion version) => type switch
    {
        "float" or "float32" => "fp32",
        "float16" => "fp16",
        "int8" => "int8",
        "uint8" when version >= Uint8IoSince => "uint8",
        _ => null,
    };

    /// <summary>Comment lines for I/O types the version's trtexec cannot be given, and for int8 wire tensors.</summary>
    private static IEnumerable<string> IoNotes(TrtexecPart part, TensorRtVersion version)
    {
        var ends = new[] { ("input", "--inputIOFormats", part.Inputs.Select(i => i.Type).ToList()), ("output", "--outputIOFormats", part.OutputTypes.ToList()) };
        foreach (var (what, flag, types) in ends)
        {
            if (types.All(IsFloat32) || IoSpec(types, version) is not null) continue;
            var odd = string.Join(", ", types.Where(t => IoType(t, version) is null).Distinct().Select(Comment));
            yield return $"No {flag}: trtexec {version} takes no {odd} {what} type ({Comment(part.OnnxFile)} declares one); its --help lists uint8";
            yield return $"from TensorRT {Uint8IoSince.Major}, so the engine keeps the type the ONNX parser gives the {what} from the model.";
        }
        if (part.Inputs.Any(i => i.Type == "int8") || part.OutputTypes.Contains("int8"))
        {
            yield return "int8 I/O: an int8 wire tensor (QuantizeLinear at the sender's end, DequantizeLinear at the receiver's start, zero point 0).";
        }
    }

    /// <summary>
    /// The precision flags of one part (the table in the class summary). fp16: --fp16 before 10.12 (weak typing: TensorRT
    /// lowers the fp32 file); from 10.12 the file is fp16 (<see cref="TrtexecPart.StoredFp16"/>) and builds --stronglyTyped;
    /// 11 has no precision flags. An fp16 part that is not stored in fp16 keeps --fp16 through 10.x (deprecated, still
    /// accepted). fp32: none, or the INT8 flag for an int8 wire's Q/DQ under weak typing (--stronglyTyped from 10.12).
    /// int8 (a QDQ model, never a calibration cache):
    /// <list type="bullet">
    /// <item>8.x up to 10.11: --int8 --fp16. TensorRT 8's INT8 guide: "to enable any quantized operations, the INT8
    /// flag must be set in the builder config", Q/DQ networks included; --fp16 lets layers outside Q/DQ pairs run in
    /// fp16 rather than fp32.</item>
    /// <item>10.12 up to 10.x: --stronglyTyped. Weak typing is deprecated from 10.12 and explicit quantization is to
    /// be built strongly typed: the quantized layers run int8 as the Q/DQ say, the rest at the model's own type
    /// (fp32), which is also how ONNX Runtime ran the part when its accuracy was measured.</item>
    /// <item>11: nothing. Every network is strongly typed and --int8/--fp16 are gone (TensorRT 10.x→11.x migration
    /// guide, "Strongly Typed Networks Are Now Required"; BuilderFlag::kINT8 → "explicit quantization with Q/DQ nodes").</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<string> PrecisionFlags(TrtexecPart part, TensorRtVersion version)
    {
        if (version >= StronglyTypedOnlySince) return [];
        var strong = version >= QdqStronglyTypedSince;
        return part.Precision switch
        {
            Precision.Int8 when strong => ["--stronglyTyped"],
            Precision.Fp16 when strong && part.StoredFp16 => ["--stronglyTyped"],
            // An int8 wire's Q/DQ run int8 as typed: strong typing needs no flag to enable them.
            Precision.Fp32 when strong && IntWire(part) => ["--stronglyTyped"],
            Precision.Int8 => ["--int8", "--fp16"],
            // An int8 wire puts a QuantizeLinear or DequantizeLinear at the part's edge: with weak typing the INT8 flag
            // must be set for any quantized operation (TensorRT 8's INT8 guide, as above), so the fp16 part gets it too.
            Precision.Fp16 when IntWire(part) => ["--int8", "--fp16"],
            Precision.Fp32 when IntWire(part) => ["--int8"],
            Precision.Fp16 => ["--fp16"],
            _ => [],
        };
    }

    /// <summary>Whether a tensor at the part's edge is an int8 wire tensor (its Q/DQ nodes need the INT8 flag under weak typing).</summary>
    private static bool IntWire(TrtexecPart part) => part.Inputs.Any(i => i.Type == "int8") || part.OutputTypes.Contains("int8");

    /// <summary>Comment lines that say what the flags do for the part, or what they cannot express.</summary>
    private static IEnumerable<string> Notes(TrtexecPart part, TensorRtVersion version)
    {
        if (part.Precision == Precision.Fp16 && part.StoredFp16 && version >= QdqStronglyTypedSince)
        {
            var how = version >= StronglyTypedOnlySince ? $"TensorRT {version.Major} networks are strongly typed (no precision flags)" : "weak typing (--fp16) is deprecated from TensorRT 10.12, so it builds --stronglyTyped";
            yield return $"{Comment(part.OnnxFile)} holds fp16 weights and compute (compile's cast-fp16; its inputs and outputs keep the plan's types);";
            yield return how + ": each layer runs at the type the file gives it.";
        }
        else if (version >= StronglyTypedOnlySince)
        {
            if (part.Precision == Precision.Fp16)
            {
                yield return $"TensorRT {version.Major} networks are strongly typed (no --fp16): {Comment(part.OnnxFile)} must already hold fp16";
                yield return "tensors (convert it first, e.g. with ModelOpt AutoCast), or the engine runs in fp32.";
            }
            else if (part.Qdq)
            {
                yield return $"{Comment(part.OnnxFile)} is a QDQ model; TensorRT {version.Major} networks are strongly typed (no precision flags):";
                yield return "its quantized layers run int8 as its Q/DQ nodes say, the others at the model's fp32.";
            }
        }
        else if (part.Qdq && version >= QdqStronglyTypedSince)
        {
            yield return $"{Comment(part.OnnxFile)} is a QDQ model (explicit quantization, no calibration cache); weak typing (--int8/--fp16) is";
            yield return $"deprecated from TensorRT 10.12, so it builds strongly typed: Q/DQ layers in int8, the others at the model's fp32.";
        }
        else if (part.Qdq)
        {
            yield return $"{Comment(part.OnnxFile)} is a QDQ model (explicit quantization): its Q/DQ scales come from calibration at compile,";
            yield return "so no calibration cache is needed; --int8 enables them, --fp16 lets layers outside Q/DQ pairs run in fp16.";
        }
    }

    /// <summary>
    /// name:1x3x224x224. trtexec splits the list on every comma and takes the text after the last colon as
    /// the dimensions; a name in single quotes may hold colons. A comma or a quote in a name cannot be written
    /// at all, so such an input is refused rather than passed on mangled.
    /// </summary>
    private static string ShapeSpec(TrtexecInput input, long[] shape)
    {
        var name = input.Name;
        if (name.Length == 0 || name.Any(c => c is ',' or '\'' || char.IsControl(c)))
        {
            throw new CodesignException(ErrorCodes.TrtexecNameUnsupported,
                $"input '{name.ReplaceLineEndings(" ")}' cannot be written in a trtexec --shapes spec (trtexec splits on commas and strips quotes); rename the input");
        }
        if (shape.Length == 0 || shape.Any(d => d <= 0))
        {
            throw new ArgumentException($"input '{name}' needs a bound shape with positive dimensions for --shapes", nameof(input));
        }
        var quoted = name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/') ? name : $"'{name}'";
        return quoted + ":" + string.Join('x', shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// One shell word: bare when it holds only characters the shell leaves alone, else in double quotes when
    /// nothing in it is special there, else in single quotes (a ' written as '\'').
    /// </summary>
    public static string ShellQuote(string s)
    {
        if (s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "_@%+=:,./-".Contains(c))) return s;
        if (!s.Any(c => c is '$' or '`' or '\\' or '"' or '!' || char.IsControl(c))) return "\"" + s + "\"";
        return "'" + s.Replace("'", "'\\''") + "'";
    }

    private static void CheckPart(TrtexecPart p)
    {
        foreach (var (file, what) in new[] { (p.OnnxFile, "OnnxFile"), (p.EngineFile, "EngineFile") })
        {
            if (string.IsNullOrWhiteSpace(file) || Path.IsPathRooted(file) || file.StartsWith('~') || file.Any(char.IsControl))
            {
                throw new ArgumentException($"{what} '{file}' must be a relative path (the script runs from its own folder)", nameof(p));
            }
        }
        // Device names go into `case` patterns and file names unquoted: catalog and profile names are kebab-case.
        if (!p.Device.Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') || p.Device.Name.Length == 0)
        {
            throw new ArgumentException($"device name '{p.Device.Name}' is not kebab-case", nameof(p));
        }
        // A part is built at its device's effective precision; asking a device for one it lacks is a planner bug.
        if (!p.Device.Supports(p.Precision))
        {
            throw new ArgumentException($"device '{p.Device.Name}' has no {Name(p.Precision)} path; build the part at {Name(p.Device.EffectivePrecision(p.Precision))}", nameof(p));
        }
        if (p.Device.TensorRtVersion is { } v && TensorRtVersion.TryParse(v) is null)
        {
            throw new ArgumentException($"device '{p.Device.Name}' has TensorRT version '{v}', not MAJOR.MINOR", nameof(p));
        }
    }

    private static string Name(Precision p) => p switch
    {
        Precision.Fp32 => "fp32",
        Precision.Fp16 => "fp16",
        _ => "int8",
    };

    /// <summary>The folder an engine file is in ('/' paths, as the script writes them); null for one beside the script.</summary>
    private static string? Folder(string file) => file.LastIndexOf('/') is > 0 and var slash ? file[..slash] : null;

    private static string Comment(string s) => new(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
