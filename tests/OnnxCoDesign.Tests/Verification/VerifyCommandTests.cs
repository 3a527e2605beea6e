using System.Text.Json;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Verification;

/// <summary>`verify` through the CLI, in-process, on the small grouped RepVGG (64×64) to stay quick.</summary>
public sealed class VerifyCommandTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();
    private readonly string _train;
    private readonly string _deploy;

    public VerifyCommandTests()
    {
        _train = _dir.File("train.onnx");
        _deploy = _dir.File("deploy.onnx");
        BadModels.Write(SampleModels.RepVggGrouped(), _train);
        BadModels.Write(SampleModels.RepVggGroupedDeploy(), _deploy);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Fused_model_passes_with_exit_0_and_a_table()
    {
        var run = CliRun.Of("verify", _train, _deploy, "--inputs", "2");
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("2 seeded input sample(s), seed 0", run.Out);
        Assert.Matches(@"(?m)^output\s+shape\s+max abs\s+max rel\s+rel L2\s+result$", run.Out);
        Assert.EndsWith("\nPASS\n", run.Out);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void Different_weights_fail_with_exit_3()
    {
        var other = _dir.File("other.onnx");
        BadModels.Write(SampleModels.RepVggGroupedDeploy(seed: 2), other);
        var run = CliRun.Of("verify", _train, other, "--inputs", "1");
        Assert.Equal(3, run.ExitCode);
        Assert.EndsWith("\nFAIL\n", run.Out);
    }

    [Fact]
    public void Shape_mismatch_fails_with_exit_3()
    {
        var a = _dir.File("a.onnx");
        var b = _dir.File("b.onnx");
        BadModels.Write(VerifyModels.Relu(), a);
        BadModels.Write(VerifyModels.ReluReshaped(), b);
        var run = CliRun.Of("verify", a, b);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("FAIL: shape [2,2] differs from the original's [1,4]", run.Out);
    }

    [Fact]
    public void Tolerance_decides()
    {
        var other = _dir.File("other.onnx");
        BadModels.Write(SampleModels.RepVggGroupedDeploy(seed: 2), other);
        Assert.Equal(0, CliRun.Of("verify", _train, other, "--inputs", "1", "--tolerance", "1e9").ExitCode);
        Assert.Equal(3, CliRun.Of("verify", _train, _deploy, "--inputs", "1", "--tolerance", "0").ExitCode);
    }

    [Fact]
    public void Json_report_and_precision_section()
    {
        var run = CliRun.Of("verify", _train, _deploy, "--inputs", "2", "--seed", "5", "--precision", "int8", "--json", "-");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(2, root.GetProperty("samples").GetInt32());
        var output = root.GetProperty("outputs")[0];
        Assert.InRange(output.GetProperty("maxRelativeError").GetDouble(), 0, 1e-4);
        var precision = root.GetProperty("precision");
        Assert.Equal("int8", precision.GetProperty("target").GetString());
        Assert.True(precision.GetProperty("outputs")[0].GetProperty("relativeL2").GetDouble() > 0);

        var json = _dir.File("report.json");
        var table = CliRun.Of("verify", _train, _deploy, "--inputs", "1", "--precision", "fp16", "--json", json);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("precision fp16", table.Out);
        Assert.Contains("top-1 agreement", table.Out);
        Assert.True(JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void Data_files_feed_the_inputs()
    {
        var values = Enumerable.Range(0, 3 * 64 * 64).Select(i => (float)Math.Cos(i * 0.01)).ToArray();
        var npy = _dir.File("input.npy");
        File.WriteAllBytes(npy, NpyBytes.Float32(values, 1, 3, 64, 64));
        var run = CliRun.Of("verify", _train, _deploy, "--data", npy);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("1 input sample(s) from data files", run.Out);
    }

    [Fact]
    public void Missing_model_is_one_coded_line_with_exit_1()
    {
        var missing = _dir.File("missing.onnx");
        var run = CliRun.Of("verify", _train, missing);
        AssertOneLineError(run, $"{missing}: error OCD1001: ");
    }

    [Theory]
    [InlineData("truncated", "OCD1503")]
    [InlineData("fortran", "OCD1504")]
    [InlineData("garbage", "OCD1502")]
    [InlineData("wrong-shape", "OCD1507")]
    [InlineData("missing", "OCD1501")]
    public void Bad_data_file_is_one_coded_line_with_exit_1(string kind, string code)
    {
        var path = _dir.File("input.npy");
        var good = NpyBytes.Float32(new float[3 * 64 * 64], 1, 3, 64, 64);
        switch (kind)
        {
            case "truncated": File.WriteAllBytes(path, good[..^10]); break;
            case "fortran": File.WriteAllBytes(path, NpyBytes.Write("<f4", [1, 3, 64, 64], new byte[3 * 64 * 64 * 4], fortran: true)); break;
            case "garbage": File.WriteAllText(path, "not numpy"); break;
            case "wrong-shape": File.WriteAllBytes(path, NpyBytes.Float32(new float[3 * 32 * 32], 1, 3, 32, 32)); break;
        }
        var before = _dir.Files();
        var run = CliRun.Of("verify", _train, _deploy, "--data", path, "--json", _dir.File("out.json"));
        AssertOneLineError(run, $"{path}: error {code}: ");
        Assert.Equal(before, _dir.Files());
    }

    [Theory]
    [InlineData("--inputs", "0")]
    [InlineData("--inputs", "x")]
    [InlineData("--seed", "-1")]
    [InlineData("--tolerance", "abc")]
    [InlineData("--precision", "int4")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        var run = CliRun.Of("verify", _train, _deploy, option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("codesign-compile: error OCD1401: ", run.Error);
    }

    [Fact]
    public void One_model_is_a_usage_error()
    {
        var run = CliRun.Of("verify", _train);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("verify needs (ORIGINAL | --sample NAME) REWRITTEN", run.Error);
    }

    private static void AssertOneLineError(CliRun run, string prefix)
    {
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith(prefix, line);
        Assert.DoesNotContain("Exception", run.Error);
        Assert.Equal("", run.Out);
    }
}
