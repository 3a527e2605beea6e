using Onnx;
using OnnxCoDesign.Compiler.Calibration;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Quantization;

/// <summary>
/// The calibrator runs the fp32 model in ONNX Runtime over a streamed data set: minmax is exact, percentile
/// lands within one histogram bin, entropy clips outliers but keeps the bulk; it asks for batches no larger
/// than the setting (or the model's fixed batch), passes over the data once for minmax and twice for the
/// histogram methods, and refuses bad requests and bad data with coded errors naming the file.
/// </summary>
public sealed class CalibratorTests
{
    /// <summary>x [N, K] → y = Mul(x, 2) → Relu: y is an intermediate tensor with a known range.</summary>
    private static LoadedModel Doubling(long k, object batch)
    {
        var b = new OnnxModelBuilder("doubling");
        b.Input("x", ElementType.Float, batch, k);
        b.Initializer("two", [2f], 1);
        var y = b.NamedNode("mul", "Mul", ["x", "two"], ["y"])[0];
        var r = b.NamedNode("relu", "Relu", [y], ["r"])[0];
        return LoadedModel.InMemory(b.Output(r).Build());
    }

    private static MemoryDataSet Scalars(IEnumerable<float> values) =>
        new("x", [1], values.Select(v => new[] { v }).ToList(), "scalars.npy");

    [Fact]
    public void MinMaxIsTheExactLargestMagnitudeInOnePassOfSmallBatches()
    {
        using var model = Doubling(3, "N");
        using var data = new MemoryDataSet("x", [3], [[0.5f, -0.25f, 0.1f], [0.3f, -1.75f, 0.2f], [1.5f, 0f, -0.5f], [0.1f, 0.1f, 0.1f], [-1f, 1f, 0.25f]]);

        var ranges = Calibrator.Collect(model, ["x", "y", "r"], data, new CalibrationSettings(CalibrationMethod.MinMax, BatchSize: 2));

        Assert.Equal(1.75, ranges.Amax["x"]);
        Assert.Equal(3.5, ranges.Amax["y"]);
        Assert.Equal(3.0, ranges.Amax["r"]);
        Assert.Equal(5, ranges.Samples);
        Assert.Equal(1, data.Enumerations);
        Assert.Equal(2, data.LargestBatchAsked);
    }

    [Fact]
    public void PercentileOfUniformIntegersIsWithinOneBinInTwoPasses()
    {
        using var model = Doubling(1, "N");
        using var data = Scalars(Enumerable.Range(1, 10000).Select(i => (float)i));

        var ranges = Calibrator.Collect(model, ["x"], data, new CalibrationSettings(CalibrationMethod.Percentile, Percentile: 99));

        var bin = 10000.0 / AbsHistogram.Bins;
        Assert.InRange(ranges.Amax["x"], 9900 - bin, 9900 + bin);
        Assert.Equal(2, data.Enumerations);
        Assert.Equal(CalibrationSettings.DefaultBatchSize, data.LargestBatchAsked);
    }

    [Fact]
    public void EntropyClipsRareOutliersButKeepsTheBulk()
    {
        var g = new WeightGenerator(17);
        // A bell-shaped bulk (sum of four uniforms, σ ≈ 0.58) and four outliers at ±40.
        var bulk = Enumerable.Range(0, 50000).Select(_ => g.Uniform(4, -1, 1).Sum()).ToList();
        using var model = Doubling(1, "N");
        using var data = Scalars(bulk.Concat([40f, -40f, 40f, -40f]));

        var ranges = Calibrator.Collect(model, ["x"], data, new CalibrationSettings(CalibrationMethod.Entropy, BatchSize: 1000));

        var bulk999 = bulk.Select(Math.Abs).Order().ElementAt((int)(bulk.Count * 0.999));
        Assert.InRange(ranges.Amax["x"], bulk999, 39.0);
        Assert.Equal(2, data.Enumerations);
        Assert.True(data.LargestBatchAsked <= 1000);
    }

    [Fact]
    public void AFixedBatchWinsOverTheSettingAndTheSampleLimitStopsEarly()
    {
        using var model = Doubling(2, 1L);
        using var data = new MemoryDataSet("x", [2], [[1f, 2f], [3f, 4f], [9f, 9f]]);

        var ranges = Calibrator.Collect(model, ["y"], data, new CalibrationSettings(CalibrationMethod.MinMax, MaxSamples: 2));

        Assert.Equal(8.0, ranges.Amax["y"]);
        Assert.Equal(2, ranges.Samples);
        Assert.Equal(1, data.LargestBatchAsked);
    }

    [Fact]
    public void RefusesATensorTheModelDoesNotHave()
    {
        using var model = Doubling(1, "N");
        using var data = Scalars([1f]);
        var e = Assert.Throws<CodesignException>(() => Calibrator.Collect(model, ["nope"], data, CalibrationSettings.Default));
        Assert.Equal(ErrorCodes.CalibrationTensorMissing, e.Code);
        Assert.Contains("'nope'", e.Message);
    }

    [Fact]
    public void RefusesDataWithoutTheModelsInputNamingTheFile()
    {
        using var model = Doubling(1, "N");
        using var data = new MemoryDataSet("image", [1], [[1f]], "images.npy");
        var e = Assert.Throws<CodesignException>(() => Calibrator.Collect(model, ["y"], data, CalibrationSettings.Default));
        Assert.Equal(ErrorCodes.CalibrationInputMissing, e.Code);
        Assert.Equal("images.npy", e.File);
    }

    [Fact]
    public void RefusesDataOfTheWrongShape()
    {
        using var model = Doubling(3, "N");
        using var data = new MemoryDataSet("x", [2], [[1f, 2f]], "pairs.npy");
        var e = Assert.Throws<CodesignException>(() => Calibrator.Collect(model, ["y"], data, CalibrationSettings.Default));
        Assert.Equal(ErrorCodes.CalibrationDataShape, e.Code);
        Assert.Equal("pairs.npy", e.File);
    }

    [Fact]
    public void RefusesAnEmptyDataSet()
    {
        using var model = Doubling(1, "N");
        using var data = Scalars([]);
        var e = Assert.Throws<CodesignException>(() => Calibrator.Collect(model, ["y"], data, CalibrationSettings.Default));
        Assert.Equal(ErrorCodes.CalibrationNoData, e.Code);
    }

    [Fact]
    public void RefusesNonFiniteValues()
    {
        using var model = Doubling(1, "N");
        using var data = Scalars([1f, float.PositiveInfinity]);
        var e = Assert.Throws<CodesignException>(() => Calibrator.Collect(model, ["y"], data, CalibrationSettings.Default));
        Assert.Equal(ErrorCodes.CalibrationNonFinite, e.Code);
    }

    [Theory]
    [InlineData(0.0, 32, null)]
    [InlineData(100.5, 32, null)]
    [InlineData(99.0, 0, null)]
    [InlineData(99.0, 32, 0L)]
    public void RefusesSettingsOutOfRange(double percentile, int batch, long? limit)
    {
        var e = Assert.Throws<CodesignException>(() => new CalibrationSettings(CalibrationMethod.Percentile, percentile, batch, limit).Check());
        Assert.Equal(ErrorCodes.CalibrationSettingInvalid, e.Code);
    }

    [Fact]
    public void ParsesMethodNamesAndRefusesOthers()
    {
        Assert.Equal(CalibrationMethod.MinMax, CalibrationMethodNames.Parse("minmax"));
        Assert.Equal(CalibrationMethod.Percentile, CalibrationMethodNames.Parse("Percentile"));
        Assert.Equal(CalibrationMethod.Entropy, CalibrationMethodNames.Parse("entropy"));
        Assert.All(CalibrationMethodNames.All, n => Assert.Equal(n, CalibrationMethodNames.Name(CalibrationMethodNames.Parse(n))));
        var e = Assert.Throws<CodesignException>(() => CalibrationMethodNames.Parse("kl"));
        Assert.Equal(ErrorCodes.CalibrationMethodUnknown, e.Code);
    }
}
