using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>
/// The external-data race of issue 9: a location is validated at load and read later. Swapping the file (or a
/// folder on its way) for a symbolic link to an outside file in between must not bring the outside bytes in:
/// every read serves the bytes of the file that was checked, through the handle the check was made on.
/// The swap is made deterministically between load and read, the window the race used.
/// </summary>
public sealed class ExternalDataRaceTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();
    private readonly byte[] _outside;

    public ExternalDataRaceTests()
    {
        // Same length as the weights, different bytes: a read of the wrong file would pass every size check.
        _outside = ExternalWeightModel.WeightBytes.Select(b => (byte)~b).ToArray();
        _dir.Write("outside/secret.bin", _outside);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadsTheCheckedFileAfterItIsSwappedForALinkToAnOutsideFile()
    {
        var model = ExternalWeightModel.Write(_dir, [("location", ExternalWeightModel.DataFile)], "inner/model.onnx");
        _dir.Write("inner/" + ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);
        using var loaded = ModelLoader.Load(model);

        SwapForLink(_dir.File("inner/" + ExternalWeightModel.DataFile), _dir.File("outside/secret.bin"));

        var tensor = loaded.Model.Graph.Initializer.Single(t => t.Name == "W");
        Assert.Equal(ExternalWeightModel.WeightBytes, loaded.ExternalData.Read(tensor));
        using var copied = new MemoryStream();
        loaded.ExternalData.CopyTo(tensor, copied);
        Assert.Equal(ExternalWeightModel.WeightBytes, copied.ToArray());
    }

    [Fact]
    public void SavedCopyHoldsTheCheckedBytesAfterTheSwap()
    {
        // What the campaign saw: outside bytes copied into a written model's data file.
        var model = ExternalWeightModel.Write(_dir, [("location", ExternalWeightModel.DataFile)], "inner/model.onnx");
        _dir.Write("inner/" + ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);
        using var loaded = ModelLoader.Load(model);
        SwapForLink(_dir.File("inner/" + ExternalWeightModel.DataFile), _dir.File("outside/secret.bin"));

        var saved = _dir.File("out/saved.onnx");
        Directory.CreateDirectory(_dir.File("out"));
        ModelSaver.Save(loaded.Model, saved, loaded.ExternalData, forceExternal: true);
        using var again = ModelLoader.Load(saved);
        Assert.Equal(ExternalWeightModel.WeightBytes, again.ExternalData.Read(again.Model.Graph.Initializer.Single(t => t.Name == "W")));
    }

    [Fact]
    public void ReadsTheCheckedFileAfterAFolderOnTheWayIsSwappedForALink()
    {
        _dir.Write("inner/sub/" + ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);
        _dir.Write("outside/sub/" + ExternalWeightModel.DataFile, _outside);
        var model = ExternalWeightModel.Write(_dir, [("location", "sub/" + ExternalWeightModel.DataFile)], "inner/model.onnx");
        using var loaded = ModelLoader.Load(model);

        Directory.Move(_dir.File("inner/sub"), _dir.File("inner/sub.old"));
        Directory.CreateSymbolicLink(_dir.File("inner/sub"), _dir.File("outside/sub"));

        Assert.Equal(ExternalWeightModel.WeightBytes, loaded.ExternalData.Read(loaded.Model.Graph.Initializer.Single(t => t.Name == "W")));
    }

    [Fact]
    public void ALinkInPlaceBeforeTheLoadIsRefusedNotFollowed()
    {
        _dir.Write("inner/" + ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);
        var model = ExternalWeightModel.Write(_dir, [("location", ExternalWeightModel.DataFile)], "inner/model.onnx");
        SwapForLink(_dir.File("inner/" + ExternalWeightModel.DataFile), _dir.File("outside/secret.bin"));
        Refusal.ExpectLoad(ErrorCodes.ExternalDataLink, model);
    }

    /// <summary>Replaces the file by a symbolic link with one rename, as an attacker would.</summary>
    private static void SwapForLink(string file, string target)
    {
        var link = file + ".link";
        File.CreateSymbolicLink(link, target);
        File.Move(link, file, overwrite: true);
        Assert.NotNull(new FileInfo(file).LinkTarget);
    }
}
