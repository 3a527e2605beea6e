using System.Text;
using Google.Protobuf;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>Every file the tool reads is opened once, without blocking, and must be a regular file within its kind's size.</summary>
public sealed class GuardedFileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadsARegularFileWhole()
    {
        var path = _dir.WriteText("profile.json", "{\"name\": \"x\"}");
        Assert.Equal("{\"name\": \"x\"}", GuardedFile.ReadAllText(path, InputFileKind.DeviceProfile));
    }

    [Fact]
    public void DropsAByteOrderMarkAsFileReadAllTextDoes()
    {
        var path = _dir.Write("bom.json", [.. Encoding.UTF8.GetPreamble(), .. "{}"u8.ToArray()]);
        Assert.Equal("{}", GuardedFile.ReadAllText(path, InputFileKind.Plan));
    }

    [Fact]
    public void RefusesAFifoWithoutWaitingForAWriter()
    {
        var fifo = FifoProbe.Create(_dir.File("pipe.json"));
        var e = FifoProbe.Run(fifo, () => Refusal.Expect(ErrorCodes.FileNotRegular, () => GuardedFile.ReadAllText(fifo, InputFileKind.DeviceProfile)));
        Assert.Contains("FIFO", e.Message);
        Assert.Equal(fifo, e.File);
    }

    [Fact]
    public void RefusesALinkToACharacterDeviceBeforeReadingIt()
    {
        // /dev/zero would be read until memory runs out; it is refused on its type. (Only opened for reading.)
        var link = _dir.File("zero.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        var e = Refusal.Expect(ErrorCodes.FileNotRegular, () => GuardedFile.ReadAllBytes(link, InputFileKind.Plan));
        Assert.Contains("character device", e.Message);
    }

    [Fact]
    public void RefusesAFileOverItsKindsBound()
    {
        var path = _dir.Write("big.json", new byte[InputFileKind.DeviceProfile.MaxBytes + 1]);
        var e = Refusal.Expect(ErrorCodes.FileTooLarge, () => GuardedFile.ReadAllText(path, InputFileKind.DeviceProfile));
        Assert.Contains($"{InputFileKind.DeviceProfile.MaxBytes + 1} bytes", e.Message);
    }

    [Fact]
    public void AcceptsAFileOfExactlyItsKindsBound()
    {
        var path = _dir.Write("edge.bin", new byte[1000]);
        Assert.Equal(1000, GuardedFile.ReadAllBytes(path, InputFileKind.DeviceProfile.WithMaxBytes(1000)).Length);
    }

    [Fact]
    public void RefusesMissingFileAndDirectoryWithTheKindsCodes()
    {
        Refusal.Expect(ErrorCodes.DataFileNotFound, () => GuardedFile.ReadAllBytes(_dir.File("absent.npy"), InputFileKind.DataFile));
        var e = Refusal.Expect(ErrorCodes.FileUnreadable, () => GuardedFile.ReadAllBytes(_dir.Path, InputFileKind.Plan));
        Assert.Contains("is a directory, not a plan file", e.Message);
    }

    [Fact]
    public void ModelLoaderRefusesAFifo()
    {
        var fifo = FifoProbe.Create(_dir.File("model.onnx"));
        var e = FifoProbe.Run(fifo, () => Refusal.ExpectLoad(ErrorCodes.FileNotRegular, fifo));
        Assert.Contains("FIFO", e.Message);
    }

    [Fact]
    public void ModelLoaderRefusesALinkToDevZero()
    {
        var link = _dir.File("zero.onnx");
        File.CreateSymbolicLink(link, "/dev/zero");
        Refusal.ExpectLoad(ErrorCodes.FileNotRegular, link);
    }

    [Fact]
    public void ModelLoaderStillFollowsALinkTheUserGaveToARegularModel()
    {
        var real = _dir.Write("real.onnx", TinyModels.ConvRelu().ToByteArray());
        var link = _dir.File("link.onnx");
        File.CreateSymbolicLink(link, real);
        using var loaded = ModelLoader.Load(link);
        Assert.Equal(TinyModels.ConvRelu(), loaded.Model);
    }
}
