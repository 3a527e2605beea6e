using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;
using OnnxCoDesign.Tests.Verification;

namespace OnnxCoDesign.Tests.Data;

/// <summary>.npy data sets streamed in batches: order, values, short last batches, fixed batches, labels, limits.</summary>
public sealed class NpyDataSetTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static InputSignature Input(params long?[] dims) => new("x", ElementType.Float, dims);

    [Fact]
    public void Float32_rows_stream_in_order_with_a_short_last_batch_and_twice_alike()
    {
        var values = Enumerable.Range(0, 7 * 4).Select(i => i * 0.5f - 3f).ToArray();
        var path = _dir.Write("x.npy", NpyBytes.Float32(values, 7, 1, 2, 2));
        using var data = DataSets.Open(path, [Input(null, 1, 2, 2)]);

        Assert.Equal(7, data.Count);
        Assert.False(data.HasLabels);
        Assert.Equal(path, data.Path);
        var batches = DataFiles.All(data, 3);
        Assert.Equal([0L, 3, 6], batches.Select(b => b.First));
        Assert.Equal([3, 3, 1], batches.Select(b => b.Count));
        Assert.Equal([[3L, 1, 2, 2], [3L, 1, 2, 2], [1L, 1, 2, 2]], batches.Select(b => b.Inputs["x"].Shape));
        Assert.All(batches, b => Assert.Equal(ElementType.Float, b.Inputs["x"].ElemType));
        Assert.All(batches, b => Assert.Null(b.Labels));
        Assert.Equal(values, DataFiles.Values(batches));
        Assert.Equal(values, DataFiles.Values(data.Batches(3)));
        Assert.Equal(values, DataFiles.Values(data.Batches(100)));
    }

    [Fact]
    public void Uint8_rows_of_HxW_feed_a_one_channel_input_scaled_by_1_over_255()
    {
        var bytes = Enumerable.Range(0, 5 * 6).Select(i => (byte)(i * 8)).ToArray();
        var path = _dir.Write("u8.npy", NpyBytes.Write("|u1", [5, 2, 3], bytes));
        using var data = DataSets.Open(path, [Input(null, 1, 2, 3)]);

        var batches = DataFiles.All(data, 2);
        Assert.Equal([2, 2, 1], batches.Select(b => b.Count));
        Assert.Equal([1L, 1, 2, 3], batches[2].Inputs["x"].Shape);
        Assert.Equal(bytes.Select(b => b * (1f / 255f)).ToArray(), DataFiles.Values(batches));
    }

    [Fact]
    public void A_fixed_batch_of_one_gives_one_sample_per_batch_whatever_is_asked()
    {
        var values = Enumerable.Range(0, 3 * 6).Select(i => (float)i).ToArray();
        var path = _dir.Write("x.npy", NpyBytes.Float32(values, 3, 2, 3));
        using var data = DataSets.Open(path, [Input(1, 1, 2, 3)]);

        var batches = DataFiles.All(data, 8);
        Assert.Equal([1, 1, 1], batches.Select(b => b.Count));
        Assert.All(batches, b => Assert.Equal([1L, 1, 2, 3], b.Inputs["x"].Shape));
        Assert.Equal(values, DataFiles.Values(batches));
    }

    [Fact]
    public void A_fixed_batch_larger_than_the_rest_pads_by_repeating_the_last_sample()
    {
        var values = Enumerable.Range(0, 5 * 2).Select(i => (float)i).ToArray();
        var path = _dir.Write("x.npy", NpyBytes.Float32(values, 5, 2));
        using var data = DataSets.Open(path, [Input(4, 2)]);

        var batches = DataFiles.All(data, 2);
        Assert.Equal([4, 1], batches.Select(b => b.Count));
        Assert.Equal([4L, 2], batches[1].Inputs["x"].Shape);
        Assert.Equal([8f, 9f, 8f, 9f, 8f, 9f, 8f, 9f], DataFiles.Floats(batches[1].Inputs["x"]));
    }

    [Fact]
    public void Mean_and_std_apply_per_channel_after_the_scale()
    {
        // Two samples of 3 channels × 2 pixels; channel c of every pixel holds 10c + pixel + 100·sample.
        var values = new float[2 * 3 * 2];
        for (var s = 0; s < 2; s++) for (var c = 0; c < 3; c++) for (var p = 0; p < 2; p++) values[s * 6 + c * 2 + p] = 100 * s + 10 * c + p;
        var path = _dir.Write("x.npy", NpyBytes.Float32(values, 2, 3, 1, 2));
        using var data = DataSets.Open(path, [Input(null, 3, 1, 2)], Preprocess.Parse("mean=1,2,3,std=2,4,8,scale=0.5"));

        float[] mean = [1, 2, 3], std = [2, 4, 8];
        var expected = values.Select((v, i) => (v * 0.5f - mean[i / 2 % 3]) / std[i / 2 % 3]).ToArray();
        Assert.Equal(expected, DataFiles.Values(data.Batches(2)));
    }

    [Fact]
    public void Uint8_data_with_mean_and_std_is_scaled_by_1_over_255_first()
    {
        var path = _dir.Write("u8.npy", NpyBytes.Write("|u1", [1, 3, 1, 1], [255, 51, 0]));
        using var data = DataSets.Open(path, [Input(null, 3, 1, 1)], Preprocess.Parse("mean=0.485,0.456,0.406,std=0.229,0.224,0.225"));

        var x = DataFiles.Values(data.Batches(1));
        Assert.Equal((1f - 0.485f) / 0.229f, x[0], 5);
        Assert.Equal((0.2f - 0.456f) / 0.224f, x[1], 5);
        Assert.Equal((0f - 0.406f) / 0.225f, x[2], 5);
    }

    [Theory]
    [InlineData("<i8")]
    [InlineData("<i4")]
    [InlineData("|u1")]
    [InlineData("<i2")]
    public void Labels_of_any_integer_dtype_follow_their_samples(string descr)
    {
        int[] ids = [3, 0, 9, 1, 1];
        var size = descr[^1] - '0';
        var raw = new byte[ids.Length * size];
        for (var i = 0; i < ids.Length; i++) raw[i * size] = (byte)ids[i];
        var labels = _dir.Write("labels.npy", NpyBytes.Write(descr, [ids.Length], raw));
        var path = _dir.Write("x.npy", NpyBytes.Float32(new float[5 * 2], 5, 2));
        using var data = DataSets.Open(path, [Input(null, 2)], labels: labels);

        Assert.True(data.HasLabels);
        var batches = DataFiles.All(data, 2);
        Assert.Equal(ids, batches.SelectMany(b => b.Labels!));
        Assert.Equal([2, 2, 1], batches.Select(b => b.Labels!.Count));
    }

    [Fact]
    public void A_limit_keeps_the_first_samples_and_their_labels()
    {
        var values = Enumerable.Range(0, 6 * 2).Select(i => (float)i).ToArray();
        var path = _dir.Write("x.npy", NpyBytes.Float32(values, 6, 2));
        var labels = _dir.Write("y.npy", NpyBytes.Write("|u1", [6], [5, 4, 3, 2, 1, 0]));
        using var data = DataSets.Open(path, [Input(null, 2)], labels: labels, limit: 4);

        Assert.Equal(4, data.Count);
        var batches = DataFiles.All(data, 3);
        Assert.Equal(values[..8], DataFiles.Values(batches));
        Assert.Equal([5, 4, 3, 2], batches.SelectMany(b => b.Labels!));
    }

    [Fact]
    public void A_gzipped_npy_streams_like_a_plain_one()
    {
        var values = Enumerable.Range(0, 5 * 3).Select(i => i * 1.25f).ToArray();
        var path = _dir.Write("x.npy.gz", DataFiles.Gzip(NpyBytes.Float32(values, 5, 3)));
        using var data = DataSets.Open(path, [Input(null, 3)]);

        Assert.Equal(5, data.Count);
        Assert.Equal(values, DataFiles.Values(data.Batches(2)));
        Assert.Equal(values, DataFiles.Values(data.Batches(4)));
    }
}
