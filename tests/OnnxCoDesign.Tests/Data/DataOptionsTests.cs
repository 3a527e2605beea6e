using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Cli;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Tests.Data;

/// <summary>The shared data-set options, parsed on a bare command (no compiler process).</summary>
public sealed class DataOptionsTests
{
    private static DataOptions Parse(params string[] args)
    {
        var cmd = new CommandLineApplication { Name = "probe" };
        var options = CliConventions.DataOptionsFor(cmd);
        cmd.Parse(args);
        return CliConventions.ParseDataOptions(cmd, options);
    }

    [Fact]
    public void Reads_every_option_as_given()
    {
        var o = Parse("--calibration", "cal.npy", "--validation", "val", "--labels", "y.npy", "--preprocess", "mean=0.5,std=0.25");

        Assert.Equal("cal.npy", o.Calibration);
        Assert.Equal("val", o.Validation);
        Assert.Equal("y.npy", o.Labels);
        Assert.Equal(Preprocess.Parse("mean=0.5,std=0.25"), o.Preprocess);
    }

    [Fact]
    public void Nothing_given_is_all_null()
    {
        Assert.Equal(new DataOptions(null, null, null, null), Parse());
    }

    [Fact]
    public void Labels_without_validation_is_a_usage_error()
    {
        var e = Assert.Throws<CommandParsingException>(() => Parse("--calibration", "c.npy", "--labels", "y.npy"));
        Assert.Contains("--validation", e.Message);
    }

    [Fact]
    public void Preprocess_without_data_is_a_usage_error()
    {
        Assert.Throws<CommandParsingException>(() => Parse("--preprocess", "scale=1"));
    }

    [Fact]
    public void A_malformed_preprocess_is_OCD1527()
    {
        Assert.Equal(ErrorCodes.PreprocessSyntax, Assert.Throws<CodesignException>(() => Parse("--validation", "v", "--preprocess", "resize=x")).Code);
    }
}
