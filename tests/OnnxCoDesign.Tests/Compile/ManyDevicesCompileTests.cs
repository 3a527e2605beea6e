using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>
/// compile over every built-in device (10; with 9 this took minutes when planning was exponential in the
/// devices) of a long plain chain: one part per device, every node in exactly one part, and the chained
/// parts compute what the model does.
/// </summary>
public sealed class ManyDevicesCompileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ALongChainIsPlannedOverEveryDeviceAndItsPartsMatchTheModel()
    {
        const int layers = 200;
        var model = _dir.File("chain.onnx");
        BadModels.Write(ConvChain.Build(layers), model);
        var devices = DeviceCatalog.Names.ToList();
        Assert.Equal(10, devices.Count);
        var output = _dir.File("out");

        var run = CliRun.Of("compile", model, "-o", output, "--devices", string.Join(",", devices), "--objective", "throughput", "--link", "10Gbps");

        Assert.True(run.ExitCode == 0, run.Error);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var parts = plan.RootElement.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(devices, parts.Select(p => p.GetProperty("device").GetString()));
        Assert.Equal(2 * layers, parts.Sum(p => p.GetProperty("nodes").GetInt32()));
        Assert.Equal(devices.Count - 1, plan.RootElement.GetProperty("transfers").GetArrayLength());
        Assert.Equal(0, CliRun.Of("verify", model, "--plan", Path.Combine(output, "plan.json"), "--inputs", "1").ExitCode);
    }
}
