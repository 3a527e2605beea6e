using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Tests.Loading;

namespace OnnxCoDesign.Tests.Devices;

public sealed class LinkSpecTests
{
    [Theory]
    [InlineData("100Mbps", 100e6, 0)]
    [InlineData("107.4Mbps,13ms", 107.4e6, 0.013)]
    [InlineData("1Gbps", 1e9, 0)]
    [InlineData("500kbps", 500e3, 0)]
    [InlineData("12.5MB/s", 100e6, 0)]
    [InlineData("100mbps", 100e6, 0)]
    [InlineData("100MBPS", 800e6, 0)]      // B is a byte, whatever the case of the rest
    [InlineData("100Mb/s", 100e6, 0)]
    [InlineData("100Mbit/s", 100e6, 0)]
    [InlineData("2GB/s", 16e9, 0)]
    [InlineData("800bps", 800, 0)]
    [InlineData("1KBps", 8000, 0)]
    [InlineData(" 100 Mbps , 500us ", 100e6, 500e-6)]
    [InlineData("100Mbps,500µs", 100e6, 500e-6)]
    [InlineData("100Mbps,0.25S", 100e6, 0.25)]
    [InlineData("100Mbps,13MS", 100e6, 0.013)]
    [InlineData("100Mbps,0ms", 100e6, 0)]
    public void Parses(string text, double bitsPerSecond, double latency)
    {
        var link = LinkSpec.Parse(text);
        Assert.Equal(bitsPerSecond, link.BitsPerSecond);
        Assert.Equal(latency, link.LatencySeconds);
    }

    [Theory]
    [InlineData("100Mbps", "100Mbps")]
    [InlineData("107.4Mbps,13ms", "107.4Mbps,13ms")]
    [InlineData("1Gbps", "1Gbps")]
    [InlineData("500kbps", "500kbps")]
    [InlineData("12.5MB/s", "100Mbps")]
    [InlineData("1500Mbps,1.5s", "1.5Gbps,1.5s")]
    [InlineData("100Mbps,250us", "100Mbps,250us")]
    [InlineData("100Mbps,0ms", "100Mbps")]
    [InlineData("0.5bps", "0.5bps")]
    public void FormatsCanonicallyAndRoundTrips(string text, string canonical)
    {
        var link = LinkSpec.Parse(text);
        Assert.Equal(canonical, link.ToString());
        Assert.Equal(canonical, LinkSpec.Format(link));
        Assert.Equal(link, LinkSpec.Parse(link.ToString()));
    }

    [Theory]
    [InlineData("107.4Mbps/48.7Mbps,13ms", 107.4e6, 48.7e6, 0.013, "107.4Mbps/48.7Mbps,13ms")]
    [InlineData("12.5MB/s/6.25MB/s", 100e6, 50e6, 0, "100Mbps/50Mbps")]
    [InlineData("100Mbps/100Mbps", 100e6, 100e6, 0, "100Mbps")]
    [InlineData("100Mbps,13ms", 100e6, 100e6, 0.013, "100Mbps,13ms")]
    public void ParsesUpAndDownRates(string text, double up, double down, double latency, string canonical)
    {
        var link = LinkSpec.Parse(text);
        Assert.Equal(up, link.BitsPerSecond);
        Assert.Equal(down, link.DownBitsPerSecond);
        Assert.Equal(latency, link.LatencySeconds);
        Assert.Equal(canonical, link.ToString());
        Assert.Equal(link, LinkSpec.Parse(canonical));
    }

    [Theory]
    [InlineData("100Mbps/")]
    [InlineData("100Mbps/0Mbps")]
    [InlineData("100Mbps/50Mbps/20Mbps")]
    [InlineData("/50Mbps,13ms")]
    public void MalformedUpDownRatesAreCoded(string text)
    {
        var e = Assert.Throws<OnnxCoDesign.Passes.Diagnostics.CodesignException>(() => LinkSpec.Parse(text));
        Assert.Equal(OnnxCoDesign.Passes.Diagnostics.ErrorCodes.LinkSpecMalformed, e.Code);
    }

    [Fact]
    public void DefaultIsThePapers100Mbps() => Assert.Equal("100Mbps", LinkProfile.Default.ToString());

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("0Mbps")]
    [InlineData("0.0Gbps")]
    [InlineData("-5Mbps")]
    [InlineData("100")]
    [InlineData("Mbps")]
    [InlineData("100Xbps")]
    [InlineData("100Tbps")]
    [InlineData("100Mbps,13")]
    [InlineData("100Mbps,13h")]
    [InlineData("100Mbps,-1ms")]
    [InlineData("100Mbps,13ms,4")]
    [InlineData("100Mbps,")]
    [InlineData("1e3Mbps")]
    [InlineData("1,000Mbps")]
    [InlineData("100 M bps")]
    [InlineData("abc")]
    [InlineData("99999999999999999999999999999Gbps")]
    public void RefusesWithCode(string text)
    {
        var e = Refusal.Expect("OCD1603", () => LinkSpec.Parse(text));
        Assert.Contains("--link", e.Message);
        Assert.False(LinkSpec.TryParse(text, out var link));
        Assert.Null(link);
    }
}
