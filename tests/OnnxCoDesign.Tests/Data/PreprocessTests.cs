using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Tests.Data;

/// <summary>--preprocess: the torchvision-style spec, its defaults and its syntax errors.</summary>
public sealed class PreprocessTests
{
    [Fact]
    public void Parses_the_imagenet_spec()
    {
        var p = Preprocess.Parse("resize=256,crop=224,mean=0.485,0.456,0.406,std=0.229,0.224,0.225");

        Assert.Equal(256, p.Resize);
        Assert.Equal(224, p.Crop);
        Assert.Equal([0.485f, 0.456f, 0.406f], p.Mean);
        Assert.Equal([0.229f, 0.224f, 0.225f], p.Std);
        Assert.Null(p.Scale);
        Assert.True(p.ChangesGeometry);
        Assert.Equal(1f / 255f, p.ScaleFor(uint8: true));
        Assert.Equal(1f, p.ScaleFor(uint8: false));
        Assert.Equal(p, Preprocess.Parse(p.ToString()));
    }

    [Fact]
    public void Scale_may_be_a_fraction_and_overrides_both_defaults()
    {
        var p = Preprocess.Parse(" mean=0.2860 , std=0.3530, scale=1/127.5 ");

        Assert.Equal((float)(1 / 127.5), p.Scale);
        Assert.Equal((float)(1 / 127.5), p.ScaleFor(uint8: true));
        Assert.Equal((float)(1 / 127.5), p.ScaleFor(uint8: false));
        Assert.False(p.ChangesGeometry);
        Assert.Equal([0.286f], p.Mean);
    }

    [Theory]
    [InlineData("")]
    [InlineData("resize=abc")]
    [InlineData("crop=0")]
    [InlineData("zoom=2")]
    [InlineData("0.5,mean=1")]
    [InlineData("std=0.2,0")]
    [InlineData("mean=1,mean=2")]
    [InlineData("resize=256,224")]
    [InlineData("scale=1,2")]
    [InlineData("mean=nan")]
    public void Malformed_specs_are_OCD1527_quoting_the_spec(string text)
    {
        var e = Assert.Throws<CodesignException>(() => Preprocess.Parse(text));

        Assert.Equal(ErrorCodes.PreprocessSyntax, e.Code);
        Assert.Contains($"--preprocess '{text}'", e.Message);
    }
}
