using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Tests.Measurement;

/// <summary>The optional operatorEfficiency key of a profile file: read, checked, written only when non-empty.</summary>
public sealed class OperatorEfficiencyJsonTests
{
    private static string Json(DeviceProfile d)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true })) DeviceProfileJson.Write(w, d);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static DeviceProfile Nano => DeviceCatalog.Find("jetson-nano")!;

    [Fact]
    public void TheMapRoundTripsSortedByOpType()
    {
        var d = Nano with { OperatorEfficiency = new Dictionary<string, double> { ["Relu"] = 0.0455, ["Conv"] = 0.93, ["Gemm"] = 1 } };
        var text = Json(d);
        Assert.Contains("\"operatorEfficiency\"", text);
        Assert.True(text.IndexOf("\"Conv\"", StringComparison.Ordinal) < text.IndexOf("\"Gemm\"", StringComparison.Ordinal));
        Assert.True(text.IndexOf("\"Gemm\"", StringComparison.Ordinal) < text.IndexOf("\"Relu\"", StringComparison.Ordinal));
        var back = DeviceProfileJson.ParseText(text, null);
        Assert.Equal(d.OperatorEfficiency.OrderBy(x => x.Key), back.OperatorEfficiency.OrderBy(x => x.Key));
        Assert.Equal(text, Json(back));
    }

    [Fact]
    public void AnEmptyMapIsNotWrittenAndReadsBackAsTheDefault()
    {
        var text = Json(Nano);
        Assert.DoesNotContain("operatorEfficiency", text);
        var back = DeviceProfileJson.ParseText(text, null);
        Assert.Same(DeviceProfile.NoOperatorEfficiency, back.OperatorEfficiency);
        Assert.Equal(Nano with { Sources = back.Sources }, back);
        var explicitEmpty = DeviceProfileJson.ParseText(text.Replace("\"tensorRt\"", "\"operatorEfficiency\": {}, \"tensorRt\""), null);
        Assert.Empty(explicitEmpty.OperatorEfficiency);
        Assert.DoesNotContain("operatorEfficiency", Json(explicitEmpty));
    }

    [Theory]
    [InlineData("{\"Conv\": 0}")]
    [InlineData("{\"Conv\": 1.5}")]
    [InlineData("{\"Conv\": \"0.5\"}")]
    [InlineData("{\"\": 0.5}")]
    [InlineData("{\"Conv\": 0.5, \"Conv\": 0.6}")]
    [InlineData("[0.5]")]
    public void BadMapsAreRefused(string map)
    {
        var text = Json(Nano).Replace("\"tensorRt\"", $"\"operatorEfficiency\": {map}, \"tensorRt\"");
        var e = Assert.Throws<CodesignException>(() => DeviceProfileJson.ParseText(text, "x.json"));
        Assert.Equal(ErrorCodes.DeviceProfileMalformed, e.Code);
        Assert.Contains("operatorEfficiency", e.Message);
    }
}
