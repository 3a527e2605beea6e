using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cli;

/// <summary>
/// Bad input through the CLI: a stable code, one line naming the file and the problem, a non-zero exit,
/// no stack trace, and no output file.
/// </summary>
public sealed class AnalyzeErrorTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string> Cases => new()
    {
        { "missing", "OCD1001" },
        { "empty", "OCD1002" },
        { "truncated", "OCD1004" },
        { "not-onnx", "OCD1003" },
        { "cycle", "OCD1201" },
        { "undefined-input", "OCD1202" },
        { "unknown-op-shape-needed", "OCD1301" },
        { "external-escapes", "OCD1102" },
        { "external-absolute", "OCD1101" },
        { "external-symlink", "OCD1103" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RefusesBadModelWithCodeAndNothingWritten(string kind, string code)
    {
        var model = Prepare(kind);
        var json = _dir.File("out.json");
        var before = _dir.Files();

        var run = CliRun.Of("analyze", model, "--json", json, "--csv", _dir.File("out.csv"));

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"{model}: error {code}: ", line);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.DoesNotContain("Exception", run.Error);
        Assert.Equal(before, _dir.Files());
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("input=1x3x224")]
    [InlineData("input=")]
    [InlineData("=1x3")]
    [InlineData("input=1xAx3")]
    [InlineData("input=1x0x3")]
    public void RefusesShapeOptionThatDoesNotParse(string option)
    {
        var run = CliRun.Of("analyze", "--sample", "repvgg-a0", "--shape", option, "--json", _dir.File("out.json"));
        Assert.Equal(1, run.ExitCode);
        Assert.Matches("^codesign-compile: error OCD130[45]: --shape .*", run.Error);
        Assert.Empty(_dir.Files());
    }

    [Fact]
    public void RefusesShapeForUnknownInput()
    {
        var run = CliRun.Of("analyze", "--sample", "repvgg-a0", "--shape", "image=1x3x224x224");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1305", run.Error);
        Assert.Contains("'image'", run.Error);
    }

    [Fact]
    public void UnknownSampleIsACodedError()
    {
        var run = CliRun.Of("analyze", "--sample", "no-such-net");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1403", run.Error);
    }

    [Fact]
    public void UnknownOptionIsAUsageError()
    {
        var run = CliRun.Of("analyze", "--sample", "repvgg-a0", "--frobnicate");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error OCD1401", run.Error);
    }

    private string Prepare(string kind)
    {
        var path = _dir.File(kind + ".onnx");
        switch (kind)
        {
            case "missing":
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "truncated":
                var bytes = Google.Protobuf.MessageExtensions.ToByteArray(OnnxCoDesign.Samples.SampleModels.RepVggA0());
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case "not-onnx":
                File.WriteAllText(path, "this is a README, not a model\n");
                break;
            case "cycle":
                BadModels.Write(BadModels.Cycle(), path);
                break;
            case "undefined-input":
                BadModels.Write(BadModels.UndefinedInput(), path);
                break;
            case "unknown-op-shape-needed":
                BadModels.Write(BadModels.UnknownOpShapeNeeded(), path);
                break;
            case "external-escapes":
                // Refused before the file system is asked, so the target need not exist.
                BadModels.Write(BadModels.WithExternalWeight("weights/../../outside.bin"), path);
                break;
            case "external-absolute":
                BadModels.Write(BadModels.WithExternalWeight("/etc/passwd"), path);
                break;
            case "external-symlink":
                var target = _dir.File("real.bin");
                File.WriteAllBytes(target, new byte[16]);
                File.CreateSymbolicLink(_dir.File("link.bin"), target);
                BadModels.Write(BadModels.WithExternalWeight("link.bin"), path);
                break;
        }
        return path;
    }
}
