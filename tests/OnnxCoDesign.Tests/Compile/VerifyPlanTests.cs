using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>`verify --plan`: a compiled plan's parts, read back from its folder and run chained, against the original.</summary>
public sealed class VerifyPlanTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PartsOfACompiledPlanMatchTheOriginalModelFile()
    {
        var model = _dir.File("det.onnx");
        Assert.Equal(0, CliRun.Of("sample", "detector", "-o", model).ExitCode);
        var output = _dir.File("out");
        Assert.Equal(0, CliRun.Of("compile", model, "-o", output, "--link", "1Gbps", "--objective", "throughput").ExitCode);

        var run = CliRun.Of("verify", model, "--plan", Path.Combine(output, "plan.json"), "--inputs", "2");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("PASS", run.Out);
        Assert.Contains("chained", run.Out);
    }

    [Fact]
    public void APlanOfAnotherModelFailsTheCheck()
    {
        var output = _dir.File("out");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--link", "1Gbps", "--objective", "throughput").ExitCode);
        var other = _dir.File("other.onnx");
        BadModels.Write(OnnxCoDesign.Samples.SampleModels.RepVggGrouped(seed: 99), other);

        var run = CliRun.Of("verify", other, "--plan", Path.Combine(output, "plan.json"), "--inputs", "2");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("FAIL", run.Out);
    }

    [Fact]
    public void WorksFromTheSampleAPlanWasCompiledFrom()
    {
        var output = _dir.File("out");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output).ExitCode);
        Assert.Equal(0, CliRun.Of("verify", "--sample", "repvgg-grouped", "--plan", Path.Combine(output, "plan.json"), "--inputs", "2").ExitCode);
    }

    [Fact]
    public void AMalformedPlanIsACodedError()
    {
        var plan = _dir.File("plan.json");
        File.WriteAllText(plan, "{\"model\": \"x\"}");
        var run = CliRun.Of("verify", "--sample", "repvgg-grouped", "--plan", plan);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1701", run.Error);
    }
}
