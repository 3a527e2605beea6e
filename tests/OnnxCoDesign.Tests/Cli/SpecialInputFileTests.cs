using Google.Protobuf;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Tests.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cli;

/// <summary>
/// Issue 9's reproducers for inputs other than the model: a FIFO given as a device profile, to `devices`,
/// `verify --data`, `simulate`, `verify --plan` or as a response file hung forever; /dev/zero grew until
/// out of memory. Each is now a coded error on one line, exit 1, and nothing written.
/// </summary>
public sealed class SpecialInputFileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Model() => _dir.Write("m.onnx", TinyModels.ConvRelu().ToByteArray());

    private CliRun OnFifo(string name, Func<string, string[]> args)
    {
        var fifo = FifoProbe.Create(_dir.File(name));
        return FifoProbe.Run(fifo, () => CliRun.Of(args(fifo)));
    }

    private static void AssertRefused(CliRun run, string code)
    {
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains($"error {code}:", run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void DevicesRefusesAFifo() => AssertRefused(OnFifo("pipe.json", f => ["devices", f]), ErrorCodes.FileNotRegular);

    [Fact]
    public void DevicesRefusesALinkToDevZero()
    {
        var link = _dir.File("zero.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        AssertRefused(CliRun.Of("devices", link), ErrorCodes.FileNotRegular);
    }

    [Fact]
    public void CompileRefusesAFifoAsADeviceProfileAndWritesNothing()
    {
        var model = Model();
        var output = _dir.File("out");
        AssertRefused(OnFifo("pipe.json", f => ["compile", model, "--devices", $"{f},jetson-nano", "-o", output]), ErrorCodes.FileNotRegular);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void VerifyRefusesAFifoAsData()
    {
        var model = Model();
        AssertRefused(OnFifo("X.npy", f => ["verify", model, model, "--data", f]), ErrorCodes.DataFileNotRegular);
    }

    [Fact]
    public void VerifyRefusesAFifoInATestDataDirectory()
    {
        var model = Model();
        Directory.CreateDirectory(_dir.File("test_data_set_0"));
        var run = OnFifo("test_data_set_0/input_0.pb", _ => ["verify", model, model, "--data", _dir.Path]);
        AssertRefused(run, ErrorCodes.DataFileNotRegular);
        Assert.Contains("input_0.pb", run.Error);
    }

    [Fact]
    public void VerifyRefusesDataLargerThanTheModelsInputCanBe()
    {
        // X is fixed-shape: at most its element count at 10 bytes each plus a header, far below this file.
        var model = Model();
        var elements = TinyModels.InputShape.Aggregate(1L, (a, d) => a * d);
        var data = _dir.Write("X.npy", new byte[elements * 10 + (64 << 10) + 1]);
        AssertRefused(CliRun.Of("verify", model, model, "--data", data), ErrorCodes.DataFileTooLarge);
    }

    [Fact]
    public void SimulateRefusesAFifoAsAPlan() =>
        AssertRefused(OnFifo("plan.json", f => ["simulate", f, "--rates", "1", "--requests", "10"]), ErrorCodes.FileNotRegular);

    [Fact]
    public void VerifyRefusesAFifoAsAPlan()
    {
        var model = Model();
        AssertRefused(OnFifo("plan.json", f => ["verify", model, "--plan", f]), ErrorCodes.FileNotRegular);
    }

    [Fact]
    public void RefusesAFifoAsAResponseFile() => AssertRefused(OnFifo("args.rsp", f => ["@" + f]), ErrorCodes.FileNotRegular);

    [Fact]
    public void ReadsAResponseFileOneArgumentPerLine()
    {
        // The MSBuild task passes its flags this way; comments and a last empty line are skipped.
        var model = Model();
        var rsp = _dir.WriteText("args.rsp", $"# analyze the tiny model\nanalyze\n{model}\n--json\n-\n\n");
        var run = CliRun.Of("@" + rsp);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(CliRun.Of("analyze", model, "--json", "-").Out, run.Out);
    }
}
