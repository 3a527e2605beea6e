using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

public sealed class DevicesCommandTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TableListsEveryDeviceWithRidgeAndTensorRt()
    {
        var run = CliRun.Of("devices");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        var lines = run.Out.Split('\n');
        Assert.Contains("TensorRT", lines[0]);
        Assert.Contains("ridge16", lines[0]);
        var rows = lines.Skip(2).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(DeviceCatalog.Names, rows.Select(r => r.Split(' ')[0]));
        var nano = rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["jetson-nano", "0.236", "0.472", "-", "25.6", "18.4", "8.2", "0.60", "0.70", "20"], nano); // no int8 path, no int8 rate
        Assert.Contains("none", rows[^1]); // raspberry-pi-5 has no TensorRT
    }

    [Fact]
    public void JsonHasEveryFieldAndReadsBackAsProfiles()
    {
        var run = CliRun.Of("devices", "--json", "-");
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("\r", run.Out);
        using var doc = JsonDocument.Parse(run.Out);
        var entries = doc.RootElement.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(DeviceCatalog.Builtin.Count, entries.Count);
        foreach (var (e, d) in entries.Zip(DeviceCatalog.Builtin))
        {
            // int8Tops only where the device has an int8 path.
            Assert.Equal(DeviceProfileJson.Keys.Where(k => k != "int8Tops" || d.Supports(Precision.Int8)), e.EnumerateObject().Select(p => p.Name));
            Assert.NotEmpty(e.GetProperty("sources").EnumerateArray());
            var back = DeviceProfileJson.Read(e, null);
            Assert.Equal(d with { Sources = back.Sources }, back);
        }
    }

    [Fact]
    public void OneDeviceShowsItsSources()
    {
        var run = CliRun.Of("devices", "jetson-nano");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("jetson-nano: NVIDIA Jetson Nano", run.Out);
        Assert.Contains("sources:", run.Out);
        foreach (var s in DeviceCatalog.Find("jetson-nano")!.Sources) Assert.Contains("    - " + s, run.Out);
    }

    [Fact]
    public void OneDeviceJsonIsAProfileFile()
    {
        var run = CliRun.Of("devices", "rtx-4090", "--json", "-");
        Assert.Equal(0, run.ExitCode);
        var path = _dir.File("mine.json");
        File.WriteAllText(path, run.Out.Replace("\"rtx-4090\"", "\"my-4090\""));
        var shown = CliRun.Of("devices", path);
        Assert.Equal(0, shown.ExitCode);
        Assert.StartsWith("my-4090: NVIDIA GeForce RTX 4090", shown.Out);
    }

    [Fact]
    public void UnknownDeviceIsRefusedWithTheKnownNames()
    {
        var run = CliRun.Of("devices", "jetson-nope");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("codesign-compile: error OCD1601: unknown device 'jetson-nope'", run.Error);
        Assert.Contains("jetson-xavier-nx", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void MalformedProfileFileIsRefusedNamingIt()
    {
        var path = _dir.File("bad.json");
        File.WriteAllText(path, "{ \"name\": \"x\" }");
        var run = CliRun.Of("devices", path);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"{path}: error OCD1602: ", run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }
}
