using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Probing;

/// <summary>
/// probe end to end: the profile it writes is a valid profile file with positive figures that plans can use.
/// No assertion is on a timing's value (these machines are shared), only on what is written.
/// </summary>
public sealed class ProbeCommandTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ProbeWritesAProfileThatResolveLoadsAndCompileUses()
    {
        var path = _dir.File("host.json");
        var run = CliRun.Of("probe", "-o", path, "--plain-output", _dir.File("plain.json"), "--runs", "2", "--warmup", "1");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("wrote", run.Out);

        var host = DeviceCatalog.Resolve(path);
        Assert.Equal("host", host.Name);
        Assert.All([host.PeakFp32, host.PeakFp16, host.PeakInt8!.Value, host.MemoryBandwidth], x => Assert.True(x > 0 && double.IsFinite(x)));
        Assert.True(host.PeakFp16 >= host.PeakFp32 && host.PeakInt8!.Value >= host.PeakFp32); // never below fp32: it is the fallback
        Assert.True(host.KernelOverhead >= 0);
        Assert.Equal(1.0, host.ComputeEfficiency);
        Assert.Null(host.TensorRtVersion);
        Assert.Contains("Conv", host.OperatorEfficiency.Keys);
        Assert.All(host.OperatorEfficiency.Values, e => Assert.InRange(e, 1e-4, 1.0));
        // Thin stems only where ONNX Runtime blocks channels (an NCHWc block: AVX2 or AVX-512).
        Assert.Equal(HostProbe.HostNchwcBlock() > 0 ? ["1x1", "1x1-strided", "kxk", "kxk-strided", "thin"] : ["1x1", "1x1-strided", "kxk", "kxk-strided"], host.ConvEfficiency.Points.Keys);
        Assert.All(host.ConvEfficiency.Points.Values.SelectMany(p => p), p => Assert.InRange(p.Efficiency, 1e-4, 1.0));
        Assert.Contains(host.Sources, s => s.StartsWith("convEfficiency: ", StringComparison.Ordinal));
        Assert.Contains(host.Sources, s => s.StartsWith("fp32 ", StringComparison.Ordinal));
        Assert.Contains(host.Sources, s => s.StartsWith("fp16 ", StringComparison.Ordinal));
        Assert.Contains(host.Sources, s => s.StartsWith("int8 ", StringComparison.Ordinal));
        Assert.Contains(host.Sources, s => s.StartsWith("memory ", StringComparison.Ordinal));

        // The plain profile of the same run: same peaks and overhead, no fits, the DRAM copy's bandwidth.
        var plain = DeviceCatalog.Resolve(_dir.File("plain.json"));
        Assert.Equal("host-plain", plain.Name);
        Assert.Equal(host.PeakFp32, plain.PeakFp32);
        Assert.Equal(host.KernelOverhead, plain.KernelOverhead);
        Assert.Empty(plain.OperatorEfficiency);
        Assert.True(plain.ConvEfficiency.IsEmpty);
        Assert.True(plain.MemoryBandwidth > 0);

        var compiled = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", _dir.File("out"), "--devices", path + ",jetson-nano", "--json", "-");
        Assert.Equal(0, compiled.ExitCode);
        using var plan = JsonDocument.Parse(compiled.Out);
        Assert.Equal("host", plan.RootElement.GetProperty("devices")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void WithoutOutputThePlainProfileGoesToStdout()
    {
        var run = CliRun.Of("probe", "--runs", "1", "--warmup", "0", "--plain", "--name", "my-box", "--threads", "1");
        Assert.Equal(0, run.ExitCode);
        var profile = DeviceProfileJson.ParseText(run.Out, null);
        Assert.Equal("my-box", profile.Name);
        Assert.Empty(profile.OperatorEfficiency);
        Assert.DoesNotContain("operatorEfficiency", run.Out);
        Assert.DoesNotContain("convEfficiency", run.Out);
        Assert.Contains(profile.Sources, s => s.Contains("1 intra-op thread", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--runs", "0")]
    [InlineData("--warmup", "-1")]
    [InlineData("--threads", "two")]
    public void BadTimingOptionsAreUsageErrors(string option, string value)
    {
        var run = CliRun.Of("probe", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error);
    }
}
