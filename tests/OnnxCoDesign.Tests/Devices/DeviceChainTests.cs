using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Tests.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>--devices names at most DeviceChain.MaxDevices devices, each once; both are checked before any work.</summary>
public sealed class DeviceChainTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A profile file: the built-in Jetson Nano under another name.</summary>
    private string Profile(string name)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) DeviceProfileJson.Write(w, DeviceCatalog.Find("jetson-nano")! with { Name = name });
        return _dir.Write(name + ".json", stream.ToArray());
    }

    [Fact]
    public void TheLongestChainIsAccepted()
    {
        var names = Enumerable.Range(0, DeviceChain.MaxDevices).Select(i => $"board-{i}").ToList();
        var list = DeviceCatalog.ResolveList(string.Join(",", names.Select(Profile)));
        Assert.Equal(names, list.Select(d => d.Name));
    }

    [Fact]
    public void OneDeviceMoreIsRefusedBeforeAnyProfileIsRead()
    {
        // None of these files exists: the length is refused first, not the first missing file (OCD1001).
        var specs = Enumerable.Range(0, DeviceChain.MaxDevices + 1).Select(i => _dir.File($"absent-{i}.json"));
        var e = Refusal.Expect("OCD1606", () => DeviceCatalog.ResolveList(string.Join(",", specs)));
        Assert.Contains($"{DeviceChain.MaxDevices + 1} devices", e.Message);
    }

    [Fact]
    public void FiftyCopiesOfOneNameAreRefusedAsTooMany() =>
        Refusal.Expect("OCD1606", () => DeviceCatalog.ResolveList(string.Join(",", Enumerable.Repeat("jetson-nano", 50))));

    [Fact]
    public void AProfileFileNamedLikeABuiltinRepeatsIt()
    {
        var e = Refusal.Expect("OCD1607", () => DeviceCatalog.ResolveList($"jetson-nano,rtx-4090,{Profile("jetson-nano")}"));
        Assert.Contains("'jetson-nano'", e.Message);
        Assert.Contains("parts 0 and 2", e.Message);
    }

    [Theory]
    [InlineData(50, "OCD1606")]
    [InlineData(3, "OCD1607")]
    public void CompileRefusesTheChainAndWritesNothing(int copies, string code)
    {
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--devices", string.Join(",", Enumerable.Repeat("jetson-nano", copies)));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error {code}", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Empty(_dir.Listing());
    }
}
