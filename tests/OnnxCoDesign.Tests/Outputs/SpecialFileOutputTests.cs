using System.Net.Sockets;
using System.Text.Json;
using Google.Protobuf;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Outputs;

/// <summary>
/// File outputs that name something other than a regular file: a FIFO is written through and stays a FIFO, one
/// without a reader is refused at once; a symbolic link, socket or folder is refused and left exactly as it was;
/// leftovers of an interrupted write are removed by the next one and look-alikes are not.
/// </summary>
public sealed class SpecialFileOutputTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Model()
    {
        var path = _dir.File("net.onnx");
        BadModels.Write(SampleModels.RepVggGrouped(), path);
        return path;
    }

    [Fact]
    public void AnalyzeWritesItsJsonThroughAFifoThatStaysAFifo()
    {
        var model = Model();
        var fifo = _dir.File("analysis.pipe");
        SpecialFiles.CreateFifo(fifo);
        var reader = new SpecialFiles.FifoReader(fifo);

        var run = CliRun.Of("analyze", model, "--json", fifo);
        var bytes = reader.Finish();

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal(Analysis.Of(SampleModels.RepVggGrouped()).Cost.Flops, json.RootElement.GetProperty("flops").GetInt64());
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
        Assert.Equal(["analysis.pipe", "net.onnx"], _dir.Listing());
    }

    [Fact]
    public void FuseWritesAModelThroughAFifo()
    {
        var model = Model();
        var fifo = _dir.File("fused.pipe");
        SpecialFiles.CreateFifo(fifo);
        var reader = new SpecialFiles.FifoReader(fifo);

        var run = CliRun.Of("fuse", model, "-o", fifo);
        var bytes = reader.Finish();

        Assert.Equal(0, run.ExitCode);
        var fused = Onnx.ModelProto.Parser.ParseFrom(bytes);
        Assert.DoesNotContain(fused.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
    }

    [Fact]
    public async Task AFifoWithoutAReaderIsRefusedInsteadOfWaiting()
    {
        var model = Model();
        var fifo = _dir.File("nobody.pipe");
        SpecialFiles.CreateFifo(fifo);
        // A hang guard, not a timing assertion: a blocking open would never return.
        var run = await Task.Run(() => CliRun.Of("analyze", model, "--json", fifo)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1408", run.Error);
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
    }

    [Fact]
    public void ASymbolicLinkOutputIsRefusedAndItsTargetUntouched()
    {
        var model = Model();
        var target = _dir.WriteText("precious.txt", "precious");
        var link = _dir.File("out.json");
        File.CreateSymbolicLink(link, target);

        var run = CliRun.Of("analyze", model, "--json", link);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1407", run.Error);
        Assert.Equal(FileKind.SymbolicLink, FileKinds.Of(link));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal("precious", File.ReadAllText(target));
        Assert.Equal(["net.onnx", "out.json", "precious.txt"], _dir.Listing());
    }

    [Fact]
    public void AFolderOrSocketOutputIsRefused()
    {
        var model = Model();
        var folder = _dir.File("report.json");
        Directory.CreateDirectory(folder);
        var socketPath = _dir.File("s.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var intoFolder = CliRun.Of("analyze", model, "--csv", folder);
        var intoSocket = CliRun.Of("analyze", model, "--json", socketPath);

        Assert.Equal(1, intoFolder.ExitCode);
        Assert.Contains("error OCD1407", intoFolder.Error);
        Assert.Equal(1, intoSocket.ExitCode);
        Assert.Contains("error OCD1407", intoSocket.Error);
        Assert.Equal(FileKind.Directory, FileKinds.Of(folder));
        Assert.Equal(FileKind.Socket, FileKinds.Of(socketPath));
        Assert.Equal(["net.onnx", "report.json", "s.sock"], _dir.Listing());
    }

    [Fact]
    public void AModelWithADataFileIsNotWrittenThroughAFifo()
    {
        var fifo = _dir.File("m.pipe");
        SpecialFiles.CreateFifo(fifo);
        var error = Assert.Throws<OnnxCoDesign.Passes.Diagnostics.CodesignException>(() => ModelSaver.Save(SampleModels.RepVggGrouped(), fifo, forceExternal: true));
        Assert.Equal("OCD1407", error.Code);
        Assert.Equal(["m.pipe"], _dir.Listing());
    }

    [Fact]
    public void AnEmptyOutputFileIsACodedError()
    {
        var run = CliRun.Of("analyze", Model(), "--json", "");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1406", run.Error);
    }

    [Theory]
    [InlineData("fuse")]
    [InlineData("sample")]
    public void AModelIsNeverWrittenToStdout(string command)
    {
        var run = command == "fuse" ? CliRun.Of("fuse", "--sample", "repvgg-grouped", "-o", "-") : CliRun.Of("sample", "repvgg-grouped", "-o", "-");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error OCD1401", run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public void ProbeRefusesTwoProfilesOnStdoutBeforeMeasuring()
    {
        var run = CliRun.Of("probe", "--plain-output", "-");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error OCD1401", run.Error);
    }

    [Fact]
    public void TheNextWriteRemovesItsOwnLeftoverTempFilesAndNothingLikeThem()
    {
        var model = Model();
        var hex = Guid.NewGuid().ToString("N");
        var ours = _dir.WriteText($".a.json.{hex}.codesign-tmp", "half");
        string[] lookAlikes = [$".a.json.{hex}.tmp", ".a.json.backup.codesign-tmp", $".b.json.{hex}.codesign-tmp", $"a.json.{hex}.codesign-tmp", $".a.json.{hex.ToUpperInvariant()}.codesign-tmp"];
        foreach (var name in lookAlikes) _dir.WriteText(name, "theirs");
        var linkName = $".a.json.{Guid.NewGuid():N}.codesign-tmp";
        File.CreateSymbolicLink(_dir.File(linkName), _dir.File("net.onnx"));

        Assert.Equal(0, CliRun.Of("analyze", model, "--json", _dir.File("a.json")).ExitCode);

        Assert.False(File.Exists(ours));
        Assert.Equal(lookAlikes.Append(linkName).Append("a.json").Append("net.onnx").Order(StringComparer.Ordinal), _dir.Listing());
        Assert.All(lookAlikes, n => Assert.Equal("theirs", File.ReadAllText(_dir.File(n))));
    }
}
