using System.Diagnostics;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Tests.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

public sealed class TrtexecScriptTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DeviceProfile Device(string name) => DeviceCatalog.Find(name)!;

    private static DeviceProfile WithTrt(string version) => Device("jetson-nano") with { Name = "gpu", TensorRtVersion = version };

    private static TrtexecPart Part(DeviceProfile d, Precision p, params TrtexecInput[] inputs) =>
        new("part0.onnx", TrtexecScript.EngineFileFor("part0.onnx", d), d, p, inputs);

    private static readonly TrtexecInput StaticInput = new("input", [1, 3, 224, 224], Symbolic: false);
    private static readonly TrtexecInput SymbolicInput = new("input", [1, 3, 224, 224], Symbolic: true);

    [Fact]
    public void CommentsNameThePartByItsFileWhenARelayPartBeforeItHasNone()
    {
        // Everything on the second device: the first is a relay with no file, so the only part to build is part1.
        var nx = Device("jetson-xavier-nx");
        var part = new TrtexecPart("part1.onnx", TrtexecScript.EngineFileFor("part1.onnx", nx), nx, Precision.Int8, [StaticInput]);
        var script = TrtexecScript.Emit([part]);
        Assert.Contains("# part1: jetson-xavier-nx (", script);
        Assert.Contains("no calibration cache): part1 (jetson-xavier-nx).", script);
        Assert.DoesNotContain("part0", script);
    }

    /// <summary>The seed's setup: Nano runs the stem, Xavier NX the rest, both fp16.</summary>
    public static IReadOnlyList<TrtexecPart> NanoToXavierNx()
    {
        var nano = Device("jetson-nano");
        var nx = Device("jetson-xavier-nx");
        return
        [
            new("part0.onnx", TrtexecScript.EngineFileFor("part0.onnx", nano), nano, Precision.Fp16, [SymbolicInput]),
            new("part1.onnx", TrtexecScript.EngineFileFor("part1.onnx", nx), nx, Precision.Fp16, [new("stage2.out", [1, 64, 56, 56], Symbolic: false)]),
        ];
    }

    [Fact]
    public void GoldenNanoToXavierNxFp16() => GoldenFile.Check("trtexec", "build-engines.sh", TrtexecScript.Emit(NanoToXavierNx()));

    [Fact]
    public void ScriptHasTheHeaderAndIsDeterministic()
    {
        var text = TrtexecScript.Emit(NanoToXavierNx());
        Assert.StartsWith("#!/usr/bin/env bash\n", text);
        Assert.Contains("\nset -euo pipefail\n", text);
        Assert.Contains("\ncd \"$(dirname \"$0\")\"\n", text);
        Assert.Contains("\nTRTEXEC=${TRTEXEC:-trtexec}\n", text);
        Assert.DoesNotContain("\r", text);
        Assert.DoesNotContain(RepoPaths.Root, text);
        Assert.DoesNotContain(Path.GetTempPath(), text);
        Assert.Equal(text, TrtexecScript.Emit(NanoToXavierNx()));
        Assert.Contains("# part0: jetson-nano (NVIDIA Jetson Nano (4GB)), TensorRT 8.2, fp16", text);
        Assert.Contains("# part1: jetson-xavier-nx (NVIDIA Jetson Xavier NX (8GB)), TensorRT 8.5, fp16", text);
        Assert.Contains("--saveEngine=triton/jetson-nano/part0/1/model.plan", text);
        Assert.Contains("--saveEngine=triton/jetson-xavier-nx/part1/1/model.plan", text);
        Assert.Contains("--timingCacheFile=timing.jetson-nano.cache", text);
    }

    [Fact]
    public void TensorRt82UsesWorkspace()
    {
        var args = TrtexecScript.Arguments(Part(WithTrt("8.2"), Precision.Fp16), TensorRtVersion.Parse("8.2"));
        Assert.Contains("--workspace=1024", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--memPoolSize"));
        Assert.Contains("--fp16", args);
    }

    [Theory]
    [InlineData("8.4")]
    [InlineData("8.5")]
    [InlineData("10.3")]
    public void TensorRt84OnUsesMemPoolSize(string version)
    {
        var args = TrtexecScript.Arguments(Part(WithTrt(version), Precision.Fp16), TensorRtVersion.Parse(version), workspaceMiB: 2048);
        Assert.Contains("--memPoolSize=workspace:2048", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--workspace"));
        Assert.Contains("--fp16", args);
    }

    [Fact]
    public void TensorRt11HasNoPrecisionFlagsAndSaysWhy()
    {
        // Arguments are the indented lines; the comments above them may name the flags that are gone.
        static string[] Args(string script) => script.Split('\n').Where(l => l.StartsWith("    ")).Select(l => l.Trim().TrimEnd('\\').Trim()).ToArray();
        var fp16 = TrtexecScript.Emit([Part(WithTrt("11.0"), Precision.Fp16)]);
        Assert.Equal(["--onnx=part0.onnx", "--saveEngine=triton/gpu/part0/1/model.plan", "--timingCacheFile=timing.gpu.cache", "--memPoolSize=workspace:1024"], Args(fp16));
        Assert.Contains("strongly typed", fp16);
        var int8 = TrtexecScript.Emit([Part(Int8Gpu("11.0"), Precision.Int8)]);
        Assert.DoesNotContain(Args(int8), a => a is "--int8" or "--fp16" || a.StartsWith("--calib"));
        Assert.Contains("Q/DQ", int8);
    }

    /// <summary>
    /// A GPU with int8 on TensorRT VERSION: the catalog's where it has one (8.5 Xavier NX, 10.3 Orin, 10.16 RTX 4090),
    /// else a profile file written here, as a user would give one with --devices FILE.
    /// </summary>
    private DeviceProfile Int8Gpu(string version)
    {
        var builtin = DeviceCatalog.Builtin.FirstOrDefault(d => d.TensorRtVersion == version && d.Supports(Precision.Int8));
        if (builtin is not null) return builtin;
        var path = _dir.File($"gpu-{version}.json");
        File.WriteAllText(path, $$"""
            { "name": "gpu-trt{{version.Replace('.', '-')}}", "fp32Tflops": 1, "fp16Tflops": 2, "int8Tops": 4, "memoryGBps": 100,
              "tensorRt": "{{version}}", "precisions": ["int8", "fp16", "fp32"] }
            """);
        return DeviceCatalog.Resolve(path);
    }

    [Theory]
    [InlineData("8.2", "--int8 --fp16")]      // TensorRT 8: Q/DQ networks need the INT8 flag; --fp16 for the layers outside Q/DQ
    [InlineData("8.5", "--int8 --fp16")]
    [InlineData("10.3", "--int8 --fp16")]     // weak typing still current before 10.12
    [InlineData("10.16", "--stronglyTyped")]  // weak typing deprecated from 10.12: explicit quantization builds strongly typed
    [InlineData("11.0", "")]                  // strongly typed only: no precision flags at all
    public void Int8PartsAreQdqModelsWithTheFlagsOfTheirTensorRt(string version, string flags)
    {
        var gpu = Int8Gpu(version);
        Assert.Equal(version, gpu.TensorRtVersion);
        var part = Part(gpu, Precision.Int8);
        Assert.True(part.Qdq);
        var args = TrtexecScript.Arguments(part, TensorRtVersion.Parse(version));
        var precisionFlags = args.Where(a => a is "--int8" or "--fp16" or "--stronglyTyped" or "--best").ToList();
        Assert.Equal(flags, string.Join(' ', precisionFlags));
        var text = TrtexecScript.Emit([part]);
        Assert.DoesNotContain("--calib", text); // explicit quantization: never a calibration cache
        Assert.Contains($"# QDQ int8 parts (explicit quantization; no calibration cache): part0 ({gpu.Name}).", text);
        Assert.Contains("part0.onnx is a QDQ model", text);
    }

    [Theory]
    [InlineData("8.2", "--fp16")]
    [InlineData("10.3", "--fp16")]            // weak typing still current before 10.12: TensorRT lowers the fp32 file
    [InlineData("10.16", "--stronglyTyped")]  // from 10.12 compile writes the part in fp16 and it builds as typed
    [InlineData("11.0", "")]
    public void Fp16PartsAreNotQdqAndKeepTheirFlags(string version, string flags)
    {
        var part = Part(WithTrt(version), Precision.Fp16);
        Assert.False(part.Qdq);
        Assert.Equal(TensorRtVersion.Parse(version) >= new TensorRtVersion(10, 12), part.StoredFp16);
        Assert.Equal(flags, string.Join(' ', TrtexecScript.PrecisionFlags(part, TensorRtVersion.Parse(version))));
        Assert.DoesNotContain("QDQ", TrtexecScript.Emit([part]));
    }

    /// <summary>An fp16 part whose file computes in fp32 (not compile's) keeps weak typing's deprecated --fp16 through 10.x; 11 cannot lower it.</summary>
    [Fact]
    public void AnFp16PartNotStoredInFp16KeepsWeakTypingThrough10x()
    {
        var part = Part(WithTrt("10.16"), Precision.Fp16) with { StoredFp16 = false };
        Assert.Equal(["--fp16"], TrtexecScript.PrecisionFlags(part, TensorRtVersion.Parse("10.16")));
        Assert.DoesNotContain("holds fp16 weights", TrtexecScript.Emit([part]));
        var eleven = Part(WithTrt("11.0"), Precision.Fp16) with { StoredFp16 = false };
        Assert.Contains("must already hold fp16", TrtexecScript.Emit([eleven]));
        Assert.Contains("holds fp16 weights and compute", TrtexecScript.Emit([Part(WithTrt("11.0"), Precision.Fp16)]));
    }

    [Fact]
    public void AShapeRangeGivesMinOptMaxForEveryDynamicInputAndNoShapes()
    {
        var ranged = SymbolicInput with { Shape = [4, 3, 224, 224], Range = new ShapeRange([1, 3, 224, 224], [4, 3, 224, 224], [8, 3, 224, 224]) };
        var other = new TrtexecInput("mask:0", [4, 1], Symbolic: true);
        var part = Part(WithTrt("8.5"), Precision.Fp16, ranged, other, StaticInput with { Name = "fixed" });
        Assert.Equal(
        [
            "--minShapes=input:1x3x224x224,'mask:0':4x1",
            "--optShapes=input:4x3x224x224,'mask:0':4x1",
            "--maxShapes=input:8x3x224x224,'mask:0':4x1",
        ], TrtexecScript.ShapeFlags(part));
        Assert.DoesNotContain(TrtexecScript.Arguments(part, TensorRtVersion.Parse("8.5")), a => a.StartsWith("--shapes"));
        // Leave alone: without a range, one --shapes as before; a static part gets neither.
        Assert.Equal(["--shapes=input:1x3x224x224"], TrtexecScript.ShapeFlags(Part(WithTrt("8.5"), Precision.Fp16, SymbolicInput)));
        Assert.Empty(TrtexecScript.ShapeFlags(Part(WithTrt("8.5"), Precision.Fp16, StaticInput)));
    }

    [Fact]
    public void APrecisionTheDeviceLacksIsRefused()
    {
        // The Nano has no int8 path: the planner builds its part at fp16, and the script never asks it for int8.
        var e = Assert.Throws<ArgumentException>(() => TrtexecScript.Emit([Part(Device("jetson-nano"), Precision.Int8)]));
        Assert.Contains("'jetson-nano' has no int8 path; build the part at fp16", e.Message);
    }

    [Fact]
    public void Fp32HasNoPrecisionFlag()
    {
        var args = TrtexecScript.Arguments(Part(WithTrt("8.5"), Precision.Fp32), TensorRtVersion.Parse("8.5"));
        Assert.DoesNotContain(args, a => a is "--fp16" or "--int8");
    }

    [Fact]
    public void ShapesOnlyForSymbolicInputs()
    {
        var v = TensorRtVersion.Parse("8.2");
        Assert.DoesNotContain(TrtexecScript.Arguments(Part(WithTrt("8.2"), Precision.Fp16, StaticInput), v), a => a.StartsWith("--shapes"));
        Assert.Contains("--shapes=input:1x3x224x224", TrtexecScript.Arguments(Part(WithTrt("8.2"), Precision.Fp16, SymbolicInput), v));
        var two = TrtexecScript.Arguments(Part(WithTrt("8.2"), Precision.Fp16,
            SymbolicInput, new TrtexecInput("mask", [1, 224, 224], true), new TrtexecInput("scale", [1], false)), v);
        Assert.Contains("--shapes=input:1x3x224x224,mask:1x224x224", two);
    }

    [Fact]
    public void OddNamesAreQuotedForTrtexecAndTheShell()
    {
        var d = WithTrt("8.5");
        var args = TrtexecScript.Arguments(Part(d, Precision.Fp16, new TrtexecInput("input:0", [1, 3], true)), TensorRtVersion.Parse("8.5"));
        Assert.Contains("--shapes='input:0':1x3", args);
        var text = TrtexecScript.Emit([Part(d, Precision.Fp16, new TrtexecInput("input:0", [1, 3], true))]);
        Assert.Contains("    \"--shapes='input:0':1x3\" \\\n", text);
        var dollar = TrtexecScript.Emit([Part(d, Precision.Fp16, new TrtexecInput("my $in", [2, 3], true))]);
        Assert.Contains("    '--shapes='\\''my $in'\\'':2x3' \\\n", dollar);
    }

    [Theory]
    [InlineData("a,b")]
    [InlineData("it's")]
    [InlineData("line\nbreak")]
    [InlineData("")]
    public void NamesTrtexecCannotExpressAreRefused(string name) =>
        Refusal.Expect("OCD1605", () => TrtexecScript.Emit([Part(WithTrt("8.5"), Precision.Fp16, new TrtexecInput(name, [1, 3], true))]));

    [Fact]
    public void StaticOddNamesNeedNoShapesSoPass() =>
        Assert.DoesNotContain("--shapes", TrtexecScript.Emit([Part(WithTrt("8.5"), Precision.Fp16, new TrtexecInput("a,b", [1, 3], false))]));

    [Fact]
    public void DeviceWithoutTensorRtRunsInOnnxRuntime()
    {
        var pi = Device("raspberry-pi-5");
        var nx = Device("jetson-xavier-nx");
        var text = TrtexecScript.Emit(
        [
            new("part0.onnx", "unused.engine", pi, Precision.Fp32, [SymbolicInput]),
            new("part1.onnx", TrtexecScript.EngineFileFor("part1.onnx", nx), nx, Precision.Fp16, []),
        ]);
        Assert.Contains("# part0: raspberry-pi-5 (Raspberry Pi 5 (Cortex-A76 CPU, ONNX Runtime)) has no TensorRT; no engine is built: the part runs in ONNX Runtime\n" +
            "# from part0.onnx (a copy sits in triton/raspberry-pi-5/ for Triton's onnxruntime backend). Serve it with:\n" +
            "#   tritonserver --model-repository=triton/raspberry-pi-5\n", text);
        Assert.DoesNotContain("unused.engine", text);
        Assert.DoesNotContain("timing.raspberry-pi-5", text);
        Assert.Single(text.Split('\n'), l => l.Contains("\"$TRTEXEC\""));
    }

    [Theory]
    [InlineData("/abs/part0.onnx")]
    [InlineData("~/part0.onnx")]
    [InlineData("")]
    public void AbsoluteOrEmptyPathsAreRefused(string onnx)
    {
        var d = WithTrt("8.5");
        Assert.Throws<ArgumentException>(() => TrtexecScript.Emit([new(onnx, "part0.gpu.engine", d, Precision.Fp16, [])]));
    }

    [Theory]
    [InlineData("plain-word_1.2", "plain-word_1.2")]
    [InlineData("a b", "\"a b\"")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("$x 'q'", "'$x '\\''q'\\'''")]
    [InlineData("", "\"\"")]
    public void ShellQuote(string raw, string quoted) => Assert.Equal(quoted, TrtexecScript.ShellQuote(raw));

    // ---- The script in a real bash (CI machines have one; skipped where there is none). ----

    private static string? Bash() =>
        new[] { "/bin/bash", "/usr/bin/bash" }.FirstOrDefault(File.Exists);

    private static (int Code, string Out, string Err) RunBash(string bash, string workDir, Dictionary<string, string> env, params string[] args)
    {
        var info = new ProcessStartInfo(bash) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(30_000), "bash did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void BashAcceptsTheSyntax()
    {
        if (Bash() is not { } bash) return;
        var script = _dir.File(TrtexecScript.FileName);
        File.WriteAllText(script, TrtexecScript.Emit(OddPlan()));
        var r = RunBash(bash, _dir.Path, [], "-n", script);
        Assert.True(r.Code == 0, r.Err);
    }

    private static IReadOnlyList<TrtexecPart> OddPlan()
    {
        var nano = Device("jetson-nano");
        var orin = Device("jetson-orin-nano");
        var pi = Device("raspberry-pi-5");
        return
        [
            new("part 0.onnx", TrtexecScript.EngineFileFor("part 0.onnx", nano), nano, Precision.Fp16,
                [new("input:0", [1, 3, 8, 8], true), new("my $in", [2, 4], true), new("static", [1], false)]),
            new("part1.onnx", TrtexecScript.EngineFileFor("part1.onnx", orin), orin, Precision.Int8, [new("x", [1, 16], true)]),
            new("part2.onnx", "none", pi, Precision.Fp32, []),
        ];
    }

    /// <summary>A stand-in trtexec records its arguments: each must arrive exactly as <see cref="TrtexecScript.Arguments"/> gives it.</summary>
    [Fact]
    public void BashPassesEveryArgumentThroughIntact()
    {
        if (Bash() is not { } bash || OperatingSystem.IsWindows()) return;
        var plan = OddPlan();
        var script = _dir.File(TrtexecScript.FileName);
        File.WriteAllText(script, TrtexecScript.Emit(plan));
        var fake = _dir.File("fake-trtexec");
        File.WriteAllText(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\necho ---\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir.Path, "elsewhere")).FullName;
        var env = new Dictionary<string, string> { ["TRTEXEC"] = fake };

        var all = RunBash(bash, elsewhere, env, script, "all"); // the script cds to its own folder
        Assert.True(all.Code == 0, all.Err);
        var expected = string.Concat(plan.Take(2).Select(p =>
            string.Concat(TrtexecScript.Arguments(p, TensorRtVersion.Parse(p.Device.TensorRtVersion!)).Select(a => a + "\n")) + "---\n"));
        Assert.Equal(expected + "part2: raspberry-pi-5 runs part2.onnx in ONNX Runtime; no engine to build. Serve it with: tritonserver --model-repository=triton/raspberry-pi-5\n", all.Out);

        var one = RunBash(bash, elsewhere, env, script, "jetson-orin-nano");
        Assert.True(one.Code == 0, one.Err);
        Assert.StartsWith("--onnx=part1.onnx\n", one.Out);
        Assert.Single(one.Out.Split('\n'), l => l == "---");

        var usage = RunBash(bash, elsewhere, env, script);
        Assert.Equal(2, usage.Code);
        Assert.Contains("usage:", usage.Err);
        Assert.Contains("jetson-nano jetson-orin-nano raspberry-pi-5", usage.Err);
        Assert.Equal("", usage.Out);
        Assert.Equal(2, RunBash(bash, elsewhere, env, script, "jetson-tx2").Code);
    }
}
