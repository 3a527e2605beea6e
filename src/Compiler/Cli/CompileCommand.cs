using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Compiler.Emit.Triton;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Reports;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `compile (MODEL | --sample NAME) -o DIR [--devices D1,D2[,...]] [--link SPEC] [--objective latency|throughput]
/// [--lambda X] [--precision fp32|fp16|int8] [--wire auto|fp32|fp16|int8] [--accuracy prior|measured] [--cost-model roofline|paper]
/// [--shape NAME=DIMS]... [--shape-range NAME=MIN:OPT:MAX]... [--input-format float|uint8 [--preprocess mean=…,std=…[,scale=…]]] [--verify [--inputs N] [--seed S]] [--measure [--host PROFILE]] [--json FILE|-] [--force]`: the main job. Writes partK.onnx, plan.json,
/// build-engines.sh, a Triton model repository per device (triton/DEVICE/) and DEPLOY.md into DIR as one set; with --verify the chained parts must match the original first;
/// with --input-format uint8 the model takes the camera's uint8 frame and normalizes it in part 0 (pass prepend-normalization);
/// with --measure each part is also timed here in ONNX Runtime beside the host profile's prediction (measure.json).
/// DIR is checked before any work (<see cref="OutputClaim"/>): a new folder, or one holding only what the compiler
/// wrote there before (its manifest), and never one that holds an input; --force writes beside foreign entries.
/// </summary>
internal static class CompileCommand
{
    public const string DefaultDevices = "jetson-nano,jetson-xavier-nx";

    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("compile", cmd =>
    {
        cmd.Description = "Choose cuts and per-part fusion strategies for a chain of devices; write the parts, plan.json, build-engines.sh, Triton repositories and DEPLOY.md.";
        cmd.HelpOption("-h|--help");
        var model = cmd.Argument("MODEL", "the ONNX model file");
        var sample = cmd.Option("--sample <NAME>", "compile a built-in sample instead of a file (repvgg-a0, …)", CommandOptionType.SingleValue);
        var outDir = cmd.Option("-o|--output <DIR>", "the output folder", CommandOptionType.SingleValue);
        var devices = cmd.Option("--devices <LIST>", $"device chain, names or profile files, 2 to {DeviceChain.MaxDevices}, each once (default {DefaultDevices})", CommandOptionType.SingleValue);
        var link = cmd.Option("--link <SPEC>", "link between consecutive devices, e.g. 100Mbps, 107.4Mbps,13ms or up/down 107.4Mbps/48.7Mbps,13ms (default 100Mbps)", CommandOptionType.SingleValue);
        var results = cmd.Option("--results <WHERE>", "where the outputs are consumed: last (default), first or a device of the chain; upstream, they come back on the downlink", CommandOptionType.SingleValue);
        var objective = cmd.Option("--objective <O>", "latency (default) or throughput (pipelined: 1 / slowest stage)", CommandOptionType.SingleValue);
        var lambda = cmd.Option("--lambda <X>", "weight of the accuracy cost in L = T + lambda·A, seconds per unit (default 0)", CommandOptionType.SingleValue);
        var precision = CliConventions.Precision(cmd, "the lowest precision allowed: fp32, fp16 (default) or int8; each part runs at the lowest its device supports at or above it");
        var wire = cmd.Option("--wire <F>", "format of the float32 tensors crossing each cut: auto (default: per link, among fp32 and what both devices run; int8 with --calibration), fp32, fp16 or int8", CommandOptionType.SingleValue);
        var accuracy = cmd.Option("--accuracy <A>", "prior (default: one unit per branch fused away) or measured (deviation at the precision)", CommandOptionType.SingleValue);
        var costModel = cmd.Option("--cost-model <M>", "kernel (default: the roofline per kernel the device's runtime launches), node (the roofline per ONNX node; 'roofline' is its older name) or paper (the seed's whole-sub-model Eq. 1-8)", CommandOptionType.SingleValue);
        var shape = cmd.Option("--shape <BINDING>", "bind an input's shape (input=1x3x224x224) or a symbolic dimension (batch=4)", CommandOptionType.MultipleValue);
        var shapeRange = cmd.Option("--shape-range <RANGE>", "a dynamic input's TensorRT profile NAME=MIN:OPT:MAX (each like 1x3x224x224): its engine takes MIN to MAX; the plan is costed at OPT", CommandOptionType.MultipleValue);
        var inputFormat = cmd.Option("--input-format <F>", "float (default: the model's float32 input) or uint8 (the camera's frame, one byte per pixel; the model normalizes it by --preprocess mean=…,std=…[,scale=…] in its first part)", CommandOptionType.SingleValue);
        var verify = cmd.Option("--verify", "run the parts chained in ONNX Runtime and refuse to write unless they match the original", CommandOptionType.NoValue);
        var inputs = CliConventions.Inputs(cmd, "for --verify");
        var seed = CliConventions.Seed(cmd, "--verify's input generator");
        var json = CliConventions.Json(cmd, "a copy of plan.json");
        var measure = cmd.Option("--measure", "time each part on this host in ONNX Runtime beside the host profile's prediction; writes measure.json too", CommandOptionType.NoValue);
        var host = cmd.Option("--host <PROFILE>", "with --measure: this host's profile (default: a device named host in --devices, else probe this host in the same rounds as the parts)", CommandOptionType.SingleValue);
        var data = AccuracyOptions.Register(cmd);
        var sensitivitySamples = cmd.Option("--sensitivity-samples <N>", $"with --accuracy measured: samples each unit is measured alone on (default {AccuracyInputs.DefaultSensitivitySamples}); the chosen plan is measured on all", CommandOptionType.SingleValue);
        var maxDrop = cmd.Option("--max-accuracy-drop <POINTS>", "the fastest plan on the Pareto front whose measured accuracy drop (top-1 points; without labels, output deviation in %) is within this budget; implies --accuracy measured", CommandOptionType.SingleValue);
        var dependencies = cmd.Option(DependencyFile.OptionName + " <FILE>", "after writing the outputs, list every file the compile read in FILE, one a line (the MSBuild targets' inputs)", CommandOptionType.SingleValue);
        var force = cmd.Option("--force", "write into an output folder that holds files the compiler did not write, leaving them alone", CommandOptionType.NoValue);
        CliConventions.Examples(cmd,
            "compile --sample repvgg-a0 -o out",
            "compile model.onnx -o out --devices jetson-nano,jetson-xavier-nx --link 100Mbps --precision int8 --verify",
            "compile model.onnx -o out --objective throughput --json -",
            "compile model.onnx -o out --devices jetson-xavier-nx,rtx-4090 --wire auto --calibration calib.npy",
            "compile model.onnx -o out --input-format uint8 --preprocess mean=0.485,0.456,0.406,std=0.229,0.224,0.225",
            "compile model.onnx -o out --precision int8 --calibration calib.npy --validation val.npy --labels val-labels.npy --max-accuracy-drop 0.5");
        cmd.OnExecute(() =>
        {
            if (!outDir.HasValue()) throw new CommandParsingException(cmd, "compile needs -o DIR");
            if (outDir.Value() == "-") throw new CommandParsingException(cmd, "compile writes a folder, not a stream: give -o DIR (--json - prints plan.json)");
            CliConventions.CheckOutput(cmd, outDir);
            CliConventions.CheckOutput(cmd, json);
            CliConventions.CheckOutput(cmd, dependencies);
            var verifyOptions = (Inputs: CliConventions.ParseInputs(cmd, inputs), Seed: CliConventions.ParseSeed(cmd, seed));
            var camera = ParseInputFormat(cmd, inputFormat, data.Preprocess);
            var dataOptions = AccuracyOptions.Parse(cmd, data, preprocessAlone: camera);
            // With a uint8 input the model normalizes: data sets feed it their uint8 samples as they are.
            var normalization = camera ? CameraInput.From(dataOptions.Preprocess) : null;
            if (camera) dataOptions = dataOptions with { Preprocess = null };
            var budget = maxDrop.HasValue() ? ParseBudget(cmd, maxDrop.Value()!) : (double?)null;
            if (budget is not null && dataOptions.Validation is null && dataOptions.Calibration is null)
            {
                throw new CommandParsingException(cmd, "--max-accuracy-drop needs data to measure on: --validation DATA --labels LABELS (or --calibration DATA for the output deviation)");
            }
            var sensitivity = sensitivitySamples.HasValue() ? ParseCount(cmd, sensitivitySamples) : AccuracyInputs.DefaultSensitivitySamples;
            var costChoice = ParseCostModel(cmd, costModel);
            var chain = DeviceCatalog.ResolveList(devices.Value() ?? DefaultDevices);
            var settings = new PlannerSettings
            {
                Devices = chain,
                ResultsDevice = results.HasValue() ? ParseResults(cmd, results.Value()!, chain) : null,
                Link = link.HasValue() ? LinkSpec.Parse(link.Value()!) : LinkProfile.Default,
                Objective = Choice(cmd, objective, "--objective", Objective.Latency),
                Lambda = lambda.HasValue() ? ParseLambda(cmd, lambda.Value()!) : 0,
                Precision = CliConventions.ParsePrecision(cmd, precision) ?? Precision.Fp16,
                Wire = ParseWire(cmd, wire),
                Accuracy = budget is not null ? AccuracyModel.Measured : Choice(cmd, accuracy, "--accuracy", AccuracyModel.Prior),
                MaxAccuracyDrop = budget,
                CostModel = costChoice.Kind,
                Granularity = costChoice.Granularity,
                CameraInput = normalization,
            };
            var bindings = ShapeBindings.Parse(shape.Values!);
            var ranges = ShapeRanges.Parse(shapeRange.Values!);
            var claim = OutputClaim.Check(outDir.Value(), InputFiles(model.Value, devices.Value(), host.Value()), force.HasValue(), CompileOutputs.MayWrite);
            var (original, name) = ModelSource.Open(model.Value, sample.Value());
            MemoryTrace.Mark("opened");
            using (original)
            {
                claim.RefuseInputs(ExternalDataFiles(original));
                ShapeRanges.Check(ranges, original.Model, original.Path ?? name);
                bindings = ShapeRanges.Bind(ranges, bindings, original.Model, original.Path ?? name);
                // From here on the model is the one planned: with --input-format uint8, the one that normalizes its frame.
                var loaded = normalization is null ? original : CameraInput.Apply(original, normalization, bindings);
                using var accuracyData = AccuracyInputs.Open(dataOptions, loaded, sensitivity);
                var outcome = CompilePipeline.Run(loaded, name, settings, bindings, accuracyData);
                MemoryTrace.Mark("compiled");
                WarningLines.Write(outcome.Warnings, loaded.Path ?? name, output);
                if (verify.HasValue())
                {
                    var verifyOut = CliConventions.JsonToStdout(json) ? output.Error : output.Out;
                    // int8 parts are checked in their fp32 form and every link in fp32: the cut and the fusion must be exact;
                    // what quantization costs is the measured accuracy (--validation), not a 1e-4 tolerance.
                    var forms = new List<string>();
                    if (outcome.Plan.Parts.Any(p => p.Model is not null && p.Precision == Precision.Int8)) forms.Add("int8 parts in their fp32 form, before QDQ");
                    if (outcome.WiredFp32 is not null) forms.Add("every link fp32");
                    var exact = forms.Count == 0 ? "chained parts" : $"chained parts ({string.Join("; ", forms)})";
                    var passed = VerifyChain(outcome.Exact, VerifyOptions.DefaultTolerance, exact);
                    // A lossy wire is then checked as emitted (its conversions in the parts), to the format's stated tolerance.
                    if (passed && outcome.WiredFp32Plan is { } wired)
                    {
                        var lossiest = wired.Transfers.Max(t => t.Wire);
                        passed = VerifyChain(wired, PlanWire.Tolerance(lossiest), $"chained parts with the wire's conversions ({string.Join(", ", wired.Transfers.Select(t => $"link {t.Link} {t.Wire.Name()}"))})");
                    }
                    // Parts written in fp16 are then checked as written (with the wire's conversions), to fp16's tolerance;
                    // with int8 parts the QDQ form is measured for accuracy instead (--validation), as above.
                    if (passed && CompilePipeline.HasFp16Parts(outcome.Plan) && !outcome.Plan.Parts.Any(p => p.Model is not null && p.Precision == Precision.Int8))
                    {
                        var lossiest = outcome.Plan.Transfers.Select(t => t.Wire).DefaultIfEmpty(WireFormat.Fp32).Max();
                        passed = VerifyChain(outcome.Plan, Math.Max(CompilePipeline.Fp16PartTolerance, PlanWire.Tolerance(lossiest)), "chained parts as written (fp16 parts cast for strongly typed TensorRT)");
                    }
                    if (!passed)
                    {
                        const string mismatch = "the chained parts do not match the original; nothing written";
                        output.Error.WriteLine($"{loaded.Path ?? name}: error: {mismatch}");
                        output.Diagnostics.Error("", loaded.Path, mismatch);
                        return ExitCodes.CheckFailed;
                    }

                    bool VerifyChain(RealizedPlan plan, double tolerance, string label)
                    {
                        var parts = plan.Parts.Where(p => p.Model is not null).Select(p => loaded.Derived(p.Model!)).ToList();
                        var options = new VerifyOptions { Inputs = verifyOptions.Inputs, Seed = verifyOptions.Seed, Bindings = bindings, Tolerance = tolerance };
                        // A uint8 chain is checked against the untouched float32 original fed the frames normalized in C#
                        // (CameraInput.Normalize, the same float32 operations in the same order): the reference is the
                        // original composed with the normalization, computed outside the graph, so a wrong rewrite fails
                        // here rather than being compared with itself. The frames are generated as uint8 in [0, 255].
                        var report = normalization is null
                            ? ChainedVerifier.Compare(loaded, parts, options)
                            : ChainedVerifier.Compare(original, parts, options, loaded, sample => sample.ToDictionary(
                                kv => kv.Key, kv => kv.Value.ElemType == Passes.IR.ElementType.UInt8 ? CameraInput.Normalize(kv.Value, normalization) : kv.Value, StringComparer.Ordinal));
                        VerifyReportText.Write(report, name, label, verifyOut);
                        foreach (var p in parts) p.Dispose();
                        return report.Passed;
                    }
                }
                var planText = PlanJson.Write(outcome);
                var measured = measure.HasValue() ? Measure(loaded, name, outcome, host.Value(), output) : null;
                // The parts that read a ranged input take it as the model declares it (dynamic), for the engine's profile.
                var written = outcome with { Plan = ShapeRanges.Declare(outcome.Plan, ranges, loaded.Model) };
                var triton = TritonRepository.Models(written.Plan);
                var deploy = DeployText.Write(outcome.DisplayName, written.Plan, triton);
                using (var folder = new OutputFolder(claim))
                {
                    foreach (var part in written.Plan.Parts.Where(p => p.Model is not null))
                    {
                        ModelSaver.Save(part.Model!, folder.ModelFile(part.File!), loaded.ExternalData);
                        MemoryTrace.Mark($"saved {part.File}");
                    }
                    foreach (var model in triton)
                    {
                        AtomicFile.WriteText(folder.File(model.ConfigFile), TritonConfigText.Write(model.Config, model.Part.Device.Name));
                        // The same saver as partK.onnx: external weights get model.onnx.data beside model.onnx, where Triton's ONNX Runtime backend looks.
                        if (model.WrittenByCompile) ModelSaver.Save(model.Part.Model!, folder.ModelFile(model.ModelFile), loaded.ExternalData);
                        else folder.Folder(model.VersionFolder);
                    }
                    AtomicFile.WriteText(folder.File(DeployText.FileName), deploy);
                    AtomicFile.WriteText(folder.File(PlanJson.FileName), planText);
                    AtomicFile.WriteText(folder.File(ReportHtml.FileName), ReportHtml.Write(outcome));
                    AtomicFile.WriteText(folder.File(TrtexecScript.FileName), TrtexecScript.Emit(EnginePlan.Parts(written, ranges)), TrtexecScript.FileMode);
                    if (measured is not null) AtomicFile.WriteText(folder.File(MeasureReport.FileName), MeasureReport.PlanJson(measured));
                    MemoryTrace.Mark("written");
                    foreach (var left in folder.Commit())
                    {
                        output.Error.WriteLine($"{left}: warning: the previous outputs were removed, but this folder holds files the compiler did not write and was left in place");
                    }
                }
                if (dependencies.HasValue())
                {
                    var read = InputFiles(model.Value, devices.Value(), host.Value()).Concat(ExternalDataFiles(original))
                        .Append(dataOptions.Calibration).Append(dataOptions.Validation).Append(dataOptions.Labels);
                    DependencyFile.Write(dependencies.Value()!, read);
                }
                CliConventions.WriteJson(json, planText, output);
                if (CliConventions.JsonToStdout(json)) return ExitCodes.Success;
                CompileSummary.Write(outcome, outDir.Value()!, output.Out, measured is not null);
                if (measured is not null) output.Out.Write("\n" + MeasureReport.PlanText(measured));
            }
            return ExitCodes.Success;
        });
    });

    /// <summary>--wire auto|fp32|fp16|int8: null for auto (the optimizer chooses per link).</summary>
    private static WireFormat? ParseWire(CommandLineApplication cmd, CommandOption option)
    {
        var text = option.Value();
        if (text is null || text.Equals("auto", StringComparison.OrdinalIgnoreCase)) return null;
        return WireFormats.TryParse(text, out var w) ? w : throw new CommandParsingException(cmd, $"--wire '{text}' is not one of auto, fp32, fp16, int8");
    }

    /// <summary>The files a compile reads that exist before it loads the model: the model and any profile files.</summary>
    private static IEnumerable<string> InputFiles(string? model, string? devices, string? host)
    {
        if (model is not null) yield return model;
        var specs = (devices ?? "").Split(',').Select(s => s.Trim()).Append(host ?? "");
        foreach (var spec in specs.Where(s => s.Length > 0 && File.Exists(s))) yield return spec;
    }

    /// <summary>The model's external data files (their locations were checked by the loader to stay beside the model).</summary>
    private static IEnumerable<string> ExternalDataFiles(LoadedModel loaded)
    {
        if (loaded.ExternalData.BaseDirectory is not { } folder) yield break;
        foreach (var tensor in ModelLoader.AllTensors(loaded.Model).Where(ExternalDataReference.IsExternal))
        {
            var location = tensor.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value;
            if (!string.IsNullOrEmpty(location)) yield return Path.Combine(folder, location);
        }
    }

    /// <summary>--measure: the parts as compile extracted them, timed with the default timing (median of 10 after 3).</summary>
    private static PlanMeasurementResult Measure(LoadedModel loaded, string name, CompileOutcome outcome, string? hostSpec, CliOutput output)
    {
        var given = hostSpec is not null ? DeviceCatalog.Resolve(hostSpec) : outcome.Settings.Devices.FirstOrDefault(d => d.Name == "host");
        var host = given is not null ? HostSource.Given(given) : HostSource.ProbedAlongside();
        var parts = outcome.Plan.Parts.Where(p => p.Model is not null)
            .Select(p => new PlanPartInput(p.Index, p.File!, p.Device.Name, p.PredictedSeconds, loaded.Derived(p.Model!))).ToList();
        PlanMeasurementResult result;
        using (var progress = Progress.For(output))
        {
            result = PlanMeasurement.Run(name, parts, host, TimingOptions.Default, (label, done, total) => progress.Report(label, done, total));
        }
        MeasureCommand.ProbeWarnings(result.ProbeWarnings, output);
        return result;
    }

    /// <summary>
    /// --input-format float|uint8 (float32 accepted too). uint8 takes its normalization from --preprocess, whose
    /// resize and crop are refused: a model input has a fixed geometry, and the frame is the input's shape.
    /// </summary>
    private static bool ParseInputFormat(CommandLineApplication cmd, CommandOption option, CommandOption preprocess)
    {
        var text = option.Value()?.ToLowerInvariant();
        var camera = text switch
        {
            null or "float" or "float32" => false,
            "uint8" => true,
            _ => throw new CommandParsingException(cmd, $"--input-format '{option.Value()}' is not one of float, uint8"),
        };
        if (camera && preprocess.HasValue() && Data.Preprocess.Parse(preprocess.Value()!).ChangesGeometry)
        {
            throw new CommandParsingException(cmd, $"--input-format uint8 --preprocess '{preprocess.Value()}': resize and crop do not apply, the frame has the model input's fixed shape; give mean=…,std=…[,scale=…]");
        }
        return camera;
    }

    /// <summary>--cost-model kernel|node|paper ('roofline', its name before kernels, is node).</summary>
    private static (CostModelKind Kind, CostGranularity Granularity) ParseCostModel(CommandLineApplication cmd, CommandOption option) =>
        (option.HasValue() ? option.Value()!.Trim().ToLowerInvariant() : "kernel") switch
        {
            "kernel" => (CostModelKind.Roofline, CostGranularity.Kernel),
            "node" or "roofline" => (CostModelKind.Roofline, CostGranularity.Node),
            "paper" => (CostModelKind.Paper, CostGranularity.Kernel),
            _ => throw new CommandParsingException(cmd, $"--cost-model '{option.Value()}' is not one of kernel, node, paper"),
        };

    private static T Choice<T>(CommandLineApplication cmd, CommandOption option, string name, T fallback) where T : struct, Enum
    {
        if (!option.HasValue()) return fallback;
        var text = option.Value()!.Replace("-", "");
        return Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new CommandParsingException(cmd, $"{name} '{option.Value()}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
    }

    /// <summary>--results: last (null), first (0) or the name of a device of the chain (its index).</summary>
    private static int? ParseResults(CommandLineApplication cmd, string text, IReadOnlyList<DeviceProfile> chain)
    {
        var t = text.Trim();
        if (t.Equals("last", StringComparison.OrdinalIgnoreCase)) return null;
        if (t.Equals("first", StringComparison.OrdinalIgnoreCase)) return 0;
        for (var j = 0; j < chain.Count; j++)
        {
            if (chain[j].Name.Equals(t, StringComparison.OrdinalIgnoreCase)) return j == chain.Count - 1 ? null : j;
        }
        throw new CommandParsingException(cmd, $"--results '{text}': expected last, first or a device of the chain ({string.Join(", ", chain.Select(d => d.Name))})");
    }

    private static double ParseBudget(CommandLineApplication cmd, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x >= 0 && double.IsFinite(x)
            ? x
            : throw new CommandParsingException(cmd, $"--max-accuracy-drop '{text}' is not a non-negative number of points");

    private static int ParseCount(CommandLineApplication cmd, CommandOption option) =>
        int.TryParse(option.Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new CommandParsingException(cmd, $"--{option.LongName} '{option.Value()}' is not a whole number of at least 1");

    private static double ParseLambda(CommandLineApplication cmd, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x >= 0 && double.IsFinite(x)
            ? x
            : throw new CommandParsingException(cmd, $"--lambda '{text}' is not a non-negative number");
}
