using System.Diagnostics;
using System.Text.RegularExpressions;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Triton;

/// <summary>The detector compiled once for jetson-tx2 → rtx-4090, read by every test of the class.</summary>
public sealed class DetectorRepositoryFixture : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public DetectorRepositoryFixture()
    {
        Output = TritonFiles.Compile(_dir, "out", "--sample", "detector", "--devices", "jetson-tx2,rtx-4090");
        Parts = TritonFiles.Parts(Output);
    }

    public string Output { get; }

    public IReadOnlyList<CompiledPart> Parts { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// compile's Triton repositories for the detector on jetson-tx2 → rtx-4090: every config.pbtxt against the part it
/// serves (names, types, dims), against Triton's model configuration schema, and run as it describes the part in ONNX
/// Runtime, chained as DEPLOY.md wires it, to the original's outputs; build-engines.sh writes each engine where the
/// config serves it from.
/// </summary>
public sealed class TritonRepositoryTests(DetectorRepositoryFixture compiled) : IClassFixture<DetectorRepositoryFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EachDeviceServesItsOwnPart()
    {
        Assert.Equal(["jetson-tx2", "rtx-4090"], compiled.Parts.Select(p => p.Device));
        Assert.Equal(["jetson-tx2", "rtx-4090"], Directory.GetDirectories(Path.Combine(compiled.Output, "triton")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var part in compiled.Parts)
        {
            Assert.Equal([part.Model], Directory.GetDirectories(Path.Combine(compiled.Output, "triton", part.Device)).Select(Path.GetFileName));
            Assert.Equal(part.Model, part.Config.Scalar("name"));
        }
    }

    [Fact]
    public void EveryConfigMatchesThePartItServes()
    {
        foreach (var part in compiled.Parts)
        {
            using var model = ModelLoader.Load(Path.Combine(compiled.Output, part.File));
            var inputs = TritonFiles.Inputs(model.Model);
            var configInputs = part.Config.Messages("input");
            Assert.Equal(inputs.Select(i => i.Name), configInputs.Select(c => c.Scalar("name")));
            foreach (var (onnx, config) in inputs.Zip(configInputs))
            {
                Assert.Equal(onnx.Type.TensorType.ElemType, TritonSchema.OnnxTypes[config.Scalar("data_type")]);
                Assert.Equal(TritonFiles.Dims(onnx), config.Longs("dims"));
            }
            var configOutputs = part.Config.Messages("output");
            Assert.Equal(model.Model.Graph.Output.Select(o => o.Name), configOutputs.Select(c => c.Scalar("name")));
            foreach (var (onnx, config) in model.Model.Graph.Output.Zip(configOutputs))
            {
                Assert.Equal(onnx.Type.TensorType.ElemType, TritonSchema.OnnxTypes[config.Scalar("data_type")]);
                Assert.Equal(TritonFiles.Dims(onnx), config.Longs("dims"));
            }
        }
        // The fp16 wire between the two: part0 sends, and part1 receives, float16 as the ONNX of both says.
        Assert.Equal("TYPE_FP16", compiled.Parts[0].Config.Messages("output").Single().Scalar("data_type"));
        Assert.Equal("TYPE_FP16", compiled.Parts[1].Config.Messages("input").Single().Scalar("data_type"));
    }

    [Fact]
    public void EveryConfigFollowsTritonsModelConfigurationSchema()
    {
        foreach (var part in compiled.Parts)
        {
            var c = part.Config;
            Assert.All(c.Fields.Keys, f => Assert.Contains(f, TritonSchema.ModelConfigFields));
            Assert.All(c.Fields.Values, v => Assert.NotEmpty(v));
            foreach (var text in new[] { "name", "platform", "backend", "default_model_filename" }) Assert.True(c.Value(text).Quoted, text + " is a string");
            Assert.Equal(TritonSchema.Backends[c.Scalar("platform")], c.Scalar("backend"));
            Assert.Equal("tensorrt_plan", c.Scalar("platform"));
            Assert.Equal("model.plan", c.Scalar("default_model_filename"));
            // Bound batch: Triton is told the model does not batch, and dims carry the batch dimension.
            Assert.Equal([0L], c.Longs("max_batch_size"));
            foreach (var (field, allowed) in new[] { ("input", TritonSchema.ModelInputFields), ("output", TritonSchema.ModelOutputFields) })
            {
                Assert.NotEmpty(c.Messages(field));
                foreach (var t in c.Messages(field))
                {
                    Assert.All(t.Fields.Keys, f => Assert.Contains(f, allowed));
                    Assert.True(t.Value("name").Quoted);
                    Assert.False(t.Value("data_type").Quoted);
                    Assert.Contains(t.Scalar("data_type"), TritonSchema.DataTypes);
                    Assert.NotEqual("TYPE_INVALID", t.Scalar("data_type"));
                    Assert.Equal(4, t.Longs("dims").Count);
                    Assert.Equal(1, t.Longs("dims")[0]);
                }
            }
            var group = Assert.Single(c.Messages("instance_group"));
            Assert.All(group.Fields.Keys, f => Assert.Contains(f, TritonSchema.InstanceGroupFields));
            Assert.Equal("KIND_GPU", group.Scalar("kind"));
            Assert.Contains(group.Scalar("kind"), TritonSchema.InstanceKinds);
        }
    }

    [Fact]
    public void ThePartsRunAsTheirConfigsDescribeThemAndTheChainComputesTheOriginal()
    {
        var random = new Random(7);
        var first = compiled.Parts[0].Config.Messages("input");
        var sample = first.ToDictionary(i => i.Scalar("name"), i => Random(random, i));
        var table = new Dictionary<string, TensorData>(sample, StringComparer.Ordinal);
        foreach (var part in compiled.Parts)
        {
            // Exactly what the config says the model takes: these names, types and shapes, nothing else.
            var inputs = part.Config.Messages("input").ToDictionary(i => i.Scalar("name"), i =>
            {
                Assert.True(table.TryGetValue(i.Scalar("name"), out var t), $"{part.Model} takes '{i.Scalar("name")}', which nothing before it sends");
                Assert.Equal(TritonSchema.OnnxTypes[i.Scalar("data_type")], t!.ElemType);
                Assert.Equal(i.Longs("dims"), t.Shape);
                return t;
            });
            using var loaded = ModelLoader.Load(Path.Combine(compiled.Output, part.File));
            using var session = new OrtModel(loaded);
            var outputs = session.Run(inputs);
            Assert.Equal(part.Config.Messages("output").Select(o => o.Scalar("name")), outputs.Keys);
            foreach (var o in part.Config.Messages("output"))
            {
                var t = outputs[o.Scalar("name")];
                Assert.Equal(TritonSchema.OnnxTypes[o.Scalar("data_type")], t.ElemType);
                Assert.Equal(o.Longs("dims"), t.Shape);
                table[o.Scalar("name")] = t;
            }
        }
        using var original = new OrtModel(SampleModels.Detector());
        var reference = original.Run(sample);
        var lossiest = TritonFiles.Wires(compiled.Output).Select(w => WireFormats.TryParse(w, out var f) ? f : throw new FormatException(w)).Max();
        Assert.Equal(WireFormat.Fp16, lossiest);
        foreach (var (name, expected) in reference)
        {
            var comparison = OutputComparison.Compute(name, [expected], [table[name]]);
            Assert.True(comparison.Passes(PlanWire.Tolerance(lossiest)), $"{name}: relative error {comparison.MaxRelativeError}");
        }
    }

    [Fact]
    public void DeployMdSaysWhatEachDeviceStartsAndSendsInChainOrder()
    {
        var text = File.ReadAllText(Path.Combine(compiled.Output, "DEPLOY.md"));
        Assert.DoesNotContain("\r", text);
        Assert.DoesNotContain(compiled.Output, text);
        Assert.DoesNotContain(Path.GetTempPath(), text);
        var sections = Regex.Split(text, "^## ", RegexOptions.Multiline).Skip(1).ToList();
        Assert.Equal(compiled.Parts.Count, sections.Count);
        for (var k = 0; k < compiled.Parts.Count; k++)
        {
            var part = compiled.Parts[k];
            var section = sections[k];
            Assert.StartsWith($"{k + 1}. {part.Device} ", section);
            var build = section.IndexOf($"./build-engines.sh {part.Device}", StringComparison.Ordinal);
            var serve = section.IndexOf($"tritonserver --model-repository=triton/{part.Device}\n", StringComparison.Ordinal);
            Assert.True(build >= 0 && serve > build, section);
            var tensors = k == 0 ? part.Config.Messages("input") : [];
            if (k + 1 < compiled.Parts.Count)
            {
                var next = compiled.Parts[k + 1];
                Assert.Contains($"`POST http://{next.Device}:8000/v2/models/{next.Model}/infer`", section);
                foreach (var t in next.Config.Messages("input")) Assert.Contains(Row(t), section);
            }
            else
            {
                foreach (var t in part.Config.Messages("output")) Assert.Contains(Row(t), section);
            }
            foreach (var t in tensors) Assert.Contains(Row(t), section);
        }
    }

    [Fact]
    public void BuildEnginesWritesEachEngineWhereItsConfigServesIt()
    {
        if (OperatingSystem.IsWindows()) return; // a bash script; the suite runs it on Linux and macOS
        var copy = _dir.File("copy");
        CopyTree(compiled.Output, copy);
        foreach (var part in compiled.Parts) Directory.Delete(Path.Combine(copy, "triton", part.Device, part.Model, "1"));
        var fake = _dir.WriteText("trtexec", "#!/usr/bin/env bash\nfor a in \"$@\"; do case \"$a\" in --saveEngine=*) printf engine > \"${a#--saveEngine=}\" ;; esac; done\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo("bash", ["build-engines.sh", "all"]) { WorkingDirectory = copy, RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["TRTEXEC"] = fake;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        foreach (var part in compiled.Parts)
        {
            var engine = Path.Combine(copy, "triton", part.Device, part.Model, "1", part.Config.Scalar("default_model_filename"));
            Assert.Equal("engine", File.ReadAllText(engine));
        }
    }

    private static string Row(TextProto t) =>
        $"| `{t.Scalar("name")}` | {t.Scalar("data_type")["TYPE_".Length..]} | [{string.Join(", ", t.Longs("dims"))}] |";

    private static TensorData Random(Random random, TextProto input)
    {
        var dims = input.Longs("dims").ToArray();
        Assert.Equal("TYPE_FP32", input.Scalar("data_type"));
        var values = new float[TensorData.ElementCountOf(dims)];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return TensorData.FromFloats(values, dims);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) CopyTree(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
