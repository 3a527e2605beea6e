using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Verification;

/// <summary>
/// ONNX Runtime as the tool uses it: its errors cut to one short line, nothing of its own on stderr,
/// nothing left in the user's home or temporary folder, and models past a byte array's limit loaded
/// through a private copy instead of a crash.
/// </summary>
public sealed class OrtHygieneTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ShortensAHugeMessageToOneLine()
    {
        var huge = string.Join("\n", Enumerable.Range(0, 20_000).Select(i => $"line {i} of a graph dump"));
        var shortened = RuntimeMessage.Shorten(huge);
        Assert.Equal(RuntimeMessage.MaxLength + 1, shortened.Length);
        Assert.EndsWith("…", shortened);
        Assert.DoesNotContain('\n', shortened);
        Assert.StartsWith("line 0 of a graph dump line 1", shortened);
    }

    [Fact]
    public void KeepsAShortMessageAsItIs() => Assert.Equal("no such op", RuntimeMessage.Shorten("no such op"));

    [Fact]
    public void RuntimeLoadErrorIsCodedAndShort()
    {
        // ORT names the unknown operator in its error: 200,000 characters of it.
        var model = TinyModels.ConvRelu();
        model.Graph.Node[1].OpType = new string('R', 200_000);
        var e = Refusal.Expect(ErrorCodes.RuntimeFailed, () => new OrtModel(model).Dispose());
        Assert.True(e.Message.Length < 400, $"{e.Message.Length} characters");
        Assert.EndsWith("…", e.Message);
    }

    [Fact]
    public void AModelPastTheInMemoryLimitRunsFromAPrivateCopyThatIsRemoved()
    {
        // A 2 GiB model is out of reach in a test; the limit is lowered instead, so the same path is taken.
        var path = _dir.Write("m.onnx", TinyModels.ConvRelu().ToByteArray());
        using var loaded = ModelLoader.Load(path);
        var input = InputGenerator.Generate([("X", new Passes.Shapes.TensorInfo(1, TinyModels.InputShape))], 1, 7)[0];
        var before = PrivateCopies();

        using var inMemory = new OrtModel(loaded);
        using var fromCopy = new OrtModel(loaded, new OrtModelOptions(InMemoryLimit: 1));

        var expected = inMemory.Run(input)["Y"];
        var actual = fromCopy.Run(input)["Y"];
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Bytes.ToArray(), actual.Bytes.ToArray());
        Assert.Equal(before, PrivateCopies());
    }

    [Fact]
    public void VerifyLeavesHomeAndTempEmptyAndPrintsNothingOfOrtsOwn()
    {
        // A separate process: ORT's environment (and its telemetry) is set up once per process. The unused
        // initializer makes ORT warn ("Removing initializer …") on its own logger unless that is silenced.
        var model = TinyModels.ConvRelu();
        model.Graph.Initializer.Add(TinyModels.FloatTensor("unused", TinyModels.Wave(4, 0.1f), 4));
        var path = _dir.Write("work/m.onnx", model.ToByteArray());
        var home = Directory.CreateDirectory(_dir.File("home")).FullName;
        var temp = Directory.CreateDirectory(_dir.File("tmp")).FullName;

        var (exit, stdout, stderr) = CompilerProcess.Run(_dir.File("work"), new()
        {
            ["HOME"] = home,
            ["TMPDIR"] = temp,
            ["XDG_CACHE_HOME"] = null,
            ["XDG_DATA_HOME"] = null,
            ["ORT_DISABLE_TELEMETRY"] = null, // the tool must set it itself
        }, "verify", path, path, "--inputs", "1");

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("PASS", stdout);
        Assert.Equal("", stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp, "*", SearchOption.AllDirectories));
    }

    private static string[] PrivateCopies() =>
        Directory.EnumerateDirectories(Path.GetTempPath(), "codesign-ort-*").Order(StringComparer.Ordinal).ToArray();
}
