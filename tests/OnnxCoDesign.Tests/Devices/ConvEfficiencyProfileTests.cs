using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Tests.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>
/// A profile's optional convEfficiency: read, written back to the same bytes and the same record, absent from
/// profiles without it (which read and write as before), every malformed form refused with the file named; and the
/// curve's reading: piecewise-linear in log(output pixels), flat beyond its ends, silent for grouped convs.
/// </summary>
public sealed class ConvEfficiencyProfileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Base = DeviceProfileFileTests.Base;

    private const string Curve = "\"convEfficiency\": { \"kxk\": [[49, 0.5], [3136, 0.9]], \"1x1\": [[49, 0.25], [196, 0.5], [784, 0.75]] }";

    private static ConvGeometry Conv(long pixels, long area, long groups = 1) => new(pixels, 64, 64 * area, area, groups);

    [Fact]
    public void TheCurveIsReadAndWrittenBackExactly()
    {
        var d = DeviceCatalog.Resolve(_dir.WriteText("curve.json", "{ " + Base + ", " + Curve + " }"));
        Assert.Equal(["1x1", "kxk"], d.ConvEfficiency.Points.Keys);
        Assert.Equal([new(49, 0.25), new(196, 0.5), new(784, 0.75)], d.ConvEfficiency.Points["1x1"]);
        Assert.Equal([new(49, 0.5), new(3136, 0.9)], d.ConvEfficiency.Points["kxk"]);

        var text = DeviceProfileJson.WriteText(d);
        Assert.Contains("\"convEfficiency\"", text);
        var back = DeviceProfileJson.ParseText(text, "back.json");
        Assert.Equal(d with { Sources = back.Sources }, back);
        Assert.Equal(text, DeviceProfileJson.WriteText(back));
    }

    [Fact]
    public void AProfileWithoutTheCurveReadsAndWritesAsBefore()
    {
        var d = DeviceCatalog.Resolve(_dir.WriteText("plain.json", "{ " + Base + ", \"operatorEfficiency\": { \"Conv\": 0.8 } }"));
        Assert.True(d.ConvEfficiency.IsEmpty);
        Assert.Same(ConvEfficiencyCurve.None, d.ConvEfficiency);
        Assert.DoesNotContain("convEfficiency", DeviceProfileJson.WriteText(d));
        // Without a curve a conv kernel gets its op type's efficiency, whatever its shape.
        var kernel = new Kernel(0, "c", KernelKind.Contraction, "Conv", ["c"], 1000, 10, 10) { Geometry = Conv(49, 1) };
        Assert.Equal(0.8, d.ComputeEfficiencyFor(kernel));
        Assert.All(DeviceCatalog.Builtin, b => Assert.True(b.ConvEfficiency.IsEmpty));
    }

    [Theory]
    [InlineData(10, 1, 0.25)]     // below the first point: flat
    [InlineData(49, 1, 0.25)]
    [InlineData(98, 1, 0.375)]    // halfway between 49 and 196 in log: halfway in efficiency
    [InlineData(392, 1, 0.625)]
    [InlineData(100000, 1, 0.75)] // beyond the last point: flat
    [InlineData(392, 9, 0.7)]     // kxk: ln(392/49) / ln(3136/49) = 0.5 → 0.5 + 0.4 · 0.5
    [InlineData(12544, 49, 0.9)]
    public void TheCurveIsPiecewiseLinearInLogOutputPixels(long pixels, long area, double expected)
    {
        var d = DeviceCatalog.Resolve(_dir.WriteText("curve.json", "{ " + Base + ", " + Curve + " }"));
        Assert.Equal(expected, d.ConvEfficiency.At(Conv(pixels, area))!.Value, 12);
    }

    private const string FourClasses = "\"convEfficiency\": { \"kxk\": [[49, 0.8]], \"1x1\": [[49, 0.7]], \"kxk-strided\": [[49, 0.6]], \"thin\": [[49, 0.3]] }";

    [Fact]
    public void StridedAndThinConvsReadTheirOwnClassesWhereTheProfileHasThem()
    {
        var d = DeviceCatalog.Resolve(_dir.WriteText("four.json", "{ " + Base + ", " + FourClasses + " }"));
        Assert.Equal(["1x1", "kxk", "kxk-strided", "thin"], d.ConvEfficiency.Points.Keys);
        var stem = new ConvGeometry(49, 48, 3 * 9, 9, 1) { Stride = 2 };      // 3 input channels, K = 27
        var bigStem = new ConvGeometry(49, 64, 3 * 49, 49, 1) { Stride = 2 }; // 7×7: K = 147, not thin
        var down = new ConvGeometry(49, 64, 64 * 9, 9, 1) { Stride = 2 };
        var down1x1 = new ConvGeometry(49, 64, 64, 1, 1) { Stride = 2 };
        Assert.Equal(0.3, d.ConvEfficiency.At(stem, nchwcBlock: 16));
        Assert.Equal(0.6, d.ConvEfficiency.At(stem, nchwcBlock: 0));       // no NCHWc block: no thin conv
        Assert.Equal(0.6, d.ConvEfficiency.At(stem with { OutChannels = 40 }, nchwcBlock: 16)); // not blocked: not thin
        Assert.Equal(0.6, d.ConvEfficiency.At(bigStem, nchwcBlock: 16));
        Assert.Equal(0.6, d.ConvEfficiency.At(down, nchwcBlock: 16));
        Assert.Equal(0.7, d.ConvEfficiency.At(down1x1, nchwcBlock: 16));   // a strided 1×1 stays a 1×1
        Assert.Equal(0.8, d.ConvEfficiency.At(down with { Stride = 1 }, nchwcBlock: 16));
        // The profile passes its own block: a kernel of the stem reads thin only where the profile has a block.
        var kernel = new Kernel(0, "c", KernelKind.Contraction, "Conv", ["c"], 1000, 10, 10) { Geometry = stem };
        Assert.Equal(0.6, d.ComputeEfficiencyFor(kernel));
        Assert.Equal(0.3, (d with { NchwcBlock = 16 }).ComputeEfficiencyFor(kernel));

        var back = DeviceProfileJson.ParseText(DeviceProfileJson.WriteText(d), "back.json");
        Assert.Equal(d.ConvEfficiency, back.ConvEfficiency);
    }

    [Fact]
    public void AStrided1x1ConvReadsItsOwnClassWhereTheProfileHasIt()
    {
        var five = FourClasses.Replace("\"thin\"", "\"1x1-strided\": [[49, 0.5]], \"thin\"", StringComparison.Ordinal);
        var d = DeviceCatalog.Resolve(_dir.WriteText("five.json", "{ " + Base + ", " + five + " }"));
        Assert.Equal(["1x1", "1x1-strided", "kxk", "kxk-strided", "thin"], d.ConvEfficiency.Points.Keys);
        var down1x1 = new ConvGeometry(49, 64, 64, 1, 1) { Stride = 2 };
        Assert.Equal(0.5, d.ConvEfficiency.At(down1x1, nchwcBlock: 16));
        Assert.Equal(0.7, d.ConvEfficiency.At(down1x1 with { Stride = 1 }, nchwcBlock: 16));
        Assert.Equal(0.6, d.ConvEfficiency.At(new ConvGeometry(49, 64, 64 * 9, 9, 1) { Stride = 2 }, nchwcBlock: 16)); // a 3×3/2 stays kxk-strided
        Assert.Equal(d.ConvEfficiency, DeviceProfileJson.ParseText(DeviceProfileJson.WriteText(d), "back.json").ConvEfficiency);
    }

    [Fact]
    public void AStridedOrThinConvWhoseClassHasNoPointsReadsItsKernelClass()
    {
        var d = DeviceCatalog.Resolve(_dir.WriteText("curve.json", "{ " + Base + ", " + Curve + " }"));
        var stem = new ConvGeometry(49, 48, 3 * 9, 9, 1) { Stride = 2 };
        Assert.Equal(0.5, d.ConvEfficiency.At(stem, nchwcBlock: 16)); // kxk's first point, as before the classes
    }

    [Fact]
    public void GroupedConvsAndClassesWithoutPointsKeepTheOpTypesEfficiency()
    {
        var d = DeviceCatalog.Resolve(_dir.WriteText("one.json", "{ " + Base + ", \"computeEfficiency\": 0.6, \"convEfficiency\": { \"1x1\": [[49, 0.25]] } }"));
        Assert.Null(d.ConvEfficiency.At(Conv(49, 9)));             // no kxk points
        Assert.Null(d.ConvEfficiency.At(Conv(49, 1, groups: 64))); // depthwise
        var depthwise = new Kernel(0, "c", KernelKind.Contraction, "Conv", ["c"], 1000, 10, 10) { Geometry = Conv(49, 1, groups: 64) };
        var pointwise = depthwise with { Geometry = Conv(49, 1) };
        var gemm = new Kernel(0, "g", KernelKind.Contraction, "Gemm", ["g"], 1000, 10, 10);
        Assert.Equal(0.6, d.ComputeEfficiencyFor(depthwise));
        Assert.Equal(0.25, d.ComputeEfficiencyFor(pointwise));
        Assert.Equal(0.6, d.ComputeEfficiencyFor(gemm));
    }

    public static TheoryData<string> Malformed => new()
    {
        "\"convEfficiency\": [[49, 0.5]]",                          // not an object of classes
        "\"convEfficiency\": { \"3x3\": [[49, 0.5]] }",             // an unknown class
        "\"convEfficiency\": { \"1x1\": [] }",                      // no points
        "\"convEfficiency\": { \"1x1\": [[49, 0.5], [49, 0.6]] }",  // pixels not ascending
        "\"convEfficiency\": { \"1x1\": [[196, 0.5], [49, 0.6]] }",
        "\"convEfficiency\": { \"1x1\": [[49, 1.5]] }",             // efficiency above 1
        "\"convEfficiency\": { \"1x1\": [[49, 0]] }",
        "\"convEfficiency\": { \"1x1\": [[0, 0.5]] }",              // no pixels
        "\"convEfficiency\": { \"1x1\": [[49.5, 0.5]] }",           // a fraction of a pixel
        "\"convEfficiency\": { \"1x1\": [[49, 0.5, 1]] }",          // not a pair
        "\"convEfficiency\": { \"1x1\": [{ \"pixels\": 49 }] }",
        "\"convEfficiency\": { \"1x1\": [[\"49\", 0.5]] }",
        "\"convEfficiency\": { \"1x1\": [[49, 0.5]], \"1x1\": [[49, 0.5]] }", // a class twice
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void RefusesAMalformedCurveNamingTheFile(string field)
    {
        var path = _dir.WriteText("bad.json", "{ " + Base + ", " + field + " }");
        var e = Refusal.Expect("OCD1602", () => DeviceCatalog.Resolve(path));
        Assert.Equal(path, e.File);
        Assert.Contains("convEfficiency", e.Message);
    }
}
