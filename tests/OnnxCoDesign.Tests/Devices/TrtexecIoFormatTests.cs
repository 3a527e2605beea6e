using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>build-engines.sh declares a part's I/O formats when a wire format or the camera's frame makes them other than float32.</summary>
public sealed class TrtexecIoFormatTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DeviceProfile Device(string name) => DeviceCatalog.Find(name)!;

    private static DeviceProfile WithTrt(string version) => Device("jetson-nano") with { Name = "gpu", TensorRtVersion = version };

    private static TrtexecPart Part(string file, DeviceProfile d, TrtexecInput[] inputs, params string[] outputTypes) =>
        new(file, TrtexecScript.EngineFileFor(file, d), d, Precision.Fp16, inputs) { OutputTypes = outputTypes };

    private static IReadOnlyList<string> IoFlags(TrtexecPart part) =>
        TrtexecScript.Arguments(part, TensorRtVersion.Parse(part.Device.TensorRtVersion!)).Where(a => a.Contains("IOFormats")).ToList();

    /// <summary>The seed's split with an fp16 wire: part0 on the Nano ends with the Cast, part1 on the Xavier NX starts with its inverse.</summary>
    private static IReadOnlyList<TrtexecPart> Fp16Wire() =>
    [
        Part("part0.onnx", Device("jetson-nano"), [new("input", [1, 3, 224, 224], false)], "float16"),
        Part("part1.onnx", Device("jetson-xavier-nx"), [new("stage2.out__fp16", [1, 64, 56, 56], false, "float16")], "float"),
    ];

    [Fact]
    public void AnFp16WireGetsExactlyTheOutputFormatOnTheSenderAndTheInputFormatOnTheReceiver()
    {
        var parts = Fp16Wire();
        Assert.Equal(["--outputIOFormats=fp16:chw"], IoFlags(parts[0]));
        Assert.Equal(["--inputIOFormats=fp16:chw"], IoFlags(parts[1]));

        var text = TrtexecScript.Emit(parts);
        // Before the precision flags: a part's command still ends with them.
        Assert.Contains("\n    --outputIOFormats=fp16:chw \\\n    --fp16\nfi\n", text);
        Assert.Contains("\n    --inputIOFormats=fp16:chw \\\n    --fp16\nfi\n", text);
        Assert.Equal(2, text.Split('\n').Count(l => l.Contains("IOFormats")));
    }

    [Fact]
    public void EveryTensorOfAPartGetsASpecInThePartsOrder()
    {
        var part = Part("part1.onnx", WithTrt("8.5"),
            [new("a", [1, 8], false), new("b__fp16", [1, 8], false, "float16"), new("c__int8", [1, 8], false, "int8")], "int8", "float32");
        Assert.Equal(["--inputIOFormats=fp32:chw,fp16:chw,int8:chw", "--outputIOFormats=int8:chw,fp32:chw"], IoFlags(part));
        Assert.Contains("# int8 I/O: an int8 wire tensor", TrtexecScript.Emit([part]));
    }

    [Theory]
    [InlineData("8.5", "--int8 --fp16")]
    [InlineData("10.3", "--int8 --fp16")]
    [InlineData("10.16", "--stronglyTyped")]   // from 10.12 the fp16 part is written in fp16 and its Q/DQ run as typed
    [InlineData("11.0", "")]
    public void AnFp16PartWithAnInt8WireAlsoGetsTheInt8FlagWhileTypingIsWeak(string version, string flags)
    {
        // The QuantizeLinear at the sender's end is a quantized operation: weak typing builds it only with INT8 enabled.
        var sender = Part("part0.onnx", WithTrt(version), [new("input", [1, 3, 224, 224], false)], "int8");
        Assert.Equal(flags, string.Join(" ", TrtexecScript.PrecisionFlags(sender, TensorRtVersion.Parse(version))));
        var receiver = Part("part1.onnx", WithTrt(version), [new("t__int8", [1, 8], false, "int8")], "float");
        Assert.Equal(flags, string.Join(" ", TrtexecScript.PrecisionFlags(receiver, TensorRtVersion.Parse(version))));
        // Leave alone: the fp16 wire's Cast needs no INT8 flag.
        var fp16 = Part("part0.onnx", WithTrt(version), [new("input", [1, 3, 224, 224], false)], "float16");
        Assert.DoesNotContain("--int8", TrtexecScript.PrecisionFlags(fp16, TensorRtVersion.Parse(version)));
    }

    [Theory]
    [InlineData("8.2")]
    [InlineData("10.16")]
    [InlineData("11.0")]
    public void AllFloat32PartsGetNoIoFormats(string version)
    {
        var part = Part("part0.onnx", WithTrt(version), [new("input", [1, 3, 224, 224], false), new("mask", [1, 8], false, "float32")], "float", "float32");
        Assert.Empty(IoFlags(part));
        var bare = new TrtexecPart("part0.onnx", "part0.gpu.engine", WithTrt(version), Precision.Fp16, [new("input", [1, 3], false)]);
        Assert.Empty(IoFlags(bare));
        Assert.DoesNotContain("IOFormats", TrtexecScript.Emit([part, bare with { OnnxFile = "part1.onnx", EngineFile = "part1.gpu.engine" }]));
    }

    [Theory]
    [InlineData("10.3")]
    [InlineData("10.16")]
    [InlineData("11.0")]
    public void TheCamerasUint8FrameIsDeclaredWhereTrtexecDocumentsUint8(string version)
    {
        var part = Part("part0.onnx", WithTrt(version), [new("input", [1, 3, 224, 224], false, "uint8")], "float16");
        Assert.Equal(["--inputIOFormats=uint8:chw", "--outputIOFormats=fp16:chw"], IoFlags(part));
        Assert.DoesNotContain("No --inputIOFormats", TrtexecScript.Emit([part]));
    }

    [Theory]
    [InlineData("8.2")]
    [InlineData("8.5")]
    public void BeforeTensorRt10TheUint8InputIsLeftToTheParserAndTheScriptSaysSo(string version)
    {
        var part = Part("part0.onnx", WithTrt(version), [new("input", [1, 3, 224, 224], false, "uint8")], "float16");
        Assert.Equal(["--outputIOFormats=fp16:chw"], IoFlags(part));
        var text = TrtexecScript.Emit([part]);
        Assert.Contains($"# No --inputIOFormats: trtexec {version} takes no uint8 input type (part0.onnx declares one)", text);
        Assert.DoesNotContain("No --outputIOFormats", text);
    }

    /// <summary>compile --input-format uint8: the part that takes the frame declares it on a TensorRT 10 device and leaves it to the parser on the Nano.</summary>
    [Theory]
    [InlineData("rtx-4090,jetson-orin-nano", "--inputIOFormats=uint8:chw", "No --inputIOFormats")]
    [InlineData("jetson-nano,jetson-xavier-nx", "# No --inputIOFormats: trtexec 8.2 takes no uint8 input type (part0.onnx declares one)", "--inputIOFormats=")]
    public void CompileWithTheCameraInputWritesTheInputFormatForTheFirstPart(string devices, string present, string absent)
    {
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "-o", output, "--devices", devices,
            "--input-format", "uint8", "--preprocess", "mean=0.485,0.456,0.406,std=0.229,0.224,0.225");
        Assert.True(run.ExitCode == 0, run.Error);
        var script = File.ReadAllText(Path.Combine(output, TrtexecScript.FileName));
        // part0 takes the frame; a later part may get a wire's formats, so only part0's command is looked at.
        var start = script.IndexOf("\n# part0:", StringComparison.Ordinal);
        Assert.True(start >= 0, script);
        var part0 = script[start..(script.IndexOf("\nfi\n", start, StringComparison.Ordinal) + 4)];
        Assert.Contains(present, part0);
        Assert.DoesNotContain(absent, part0);
    }
}
