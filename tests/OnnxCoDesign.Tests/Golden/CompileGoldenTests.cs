using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Golden;

/// <summary>
/// compile's plan.json and build-engines.sh against tests/golden/compile-&lt;case&gt;/: RepVGG-A0 on the seed's
/// setup, the detector (several tensors crossing its neck) and ResNet-50 (shortcuts) under other links; for the
/// detector also DEPLOY.md and its Triton configs (triton/DEVICE/MODEL/config.pbtxt).
/// </summary>
public sealed class CompileGoldenTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string[]> Cases => new()
    {
        { "repvgg-a0", ["--sample", "repvgg-a0"] },
        { "repvgg-a0-throughput", ["--sample", "repvgg-a0", "--link", "1Gbps", "--objective", "throughput", "--lambda", "0.001"] },
        { "detector", ["--sample", "detector", "--link", "1Gbps", "--objective", "throughput"] },
        { "resnet50", ["--sample", "resnet50", "--link", "300Mbps,2ms", "--objective", "throughput", "--devices", "jetson-nano,jetson-orin-nano"] },
        { "repvgg-grouped-paper", ["--sample", "repvgg-grouped", "--cost-model", "paper", "--devices", "jetson-tx2,jetson-nano,rtx-4090", "--link", "20Mbps"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PlanAndScriptMatchGolden(string name, string[] args)
    {
        var output = _dir.File(name);
        var run = CliRun.Of(["compile", .. args, "-o", output]);
        Assert.Equal(0, run.ExitCode);
        GoldenFile.Check("compile-" + name, "plan.json", File.ReadAllText(Path.Combine(output, "plan.json")));
        GoldenFile.Check("compile-" + name, "build-engines.sh", File.ReadAllText(Path.Combine(output, "build-engines.sh")));
    }

    /// <summary>The detector's Triton repositories (every config.pbtxt) and DEPLOY.md, as text.</summary>
    [Fact]
    public void DetectorTritonConfigsAndDeployMatchGolden()
    {
        var output = _dir.File("detector-triton");
        var run = CliRun.Of(["compile", "--sample", "detector", "--link", "1Gbps", "--objective", "throughput", "-o", output]);
        Assert.Equal(0, run.ExitCode);
        GoldenFile.Check("compile-detector", "DEPLOY.md", File.ReadAllText(Path.Combine(output, "DEPLOY.md")));
        var configs = Directory.GetFiles(Path.Combine(output, "triton"), "config.pbtxt", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(output, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["triton/jetson-nano/part0/config.pbtxt", "triton/jetson-xavier-nx/part1/config.pbtxt"], configs);
        foreach (var config in configs) GoldenFile.Check("compile-detector", config, File.ReadAllText(Path.Combine(output, config)));
    }
}
