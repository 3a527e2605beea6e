using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;
using OnnxCoDesign.Tests.Verification;
using SkiaSharp;

namespace OnnxCoDesign.Tests.Data;

/// <summary>Folders of PNG/JPEG images: ImageFolder labels, RGB and grey CHW, resize and centre-crop geometry.</summary>
public sealed class ImageFolderTests : IDisposable
{
    private static readonly IReadOnlyList<InputSignature> Rgb8 = [new("x", ElementType.Float, [null, 3, 8, 8])];
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Class_subfolders_give_labels_in_ordinal_order_and_png_and_jpeg_decode()
    {
        // Ordinal order puts "B" before "a": class ids B=0, a=1, b=2 (torchvision sorts the same way).
        _dir.Write("set/b/1.png", DataFiles.Solid(0, 0, 255));
        _dir.Write("set/a/2.jpg", DataFiles.Solid(0, 255, 0, SKEncodedImageFormat.Jpeg));
        _dir.Write("set/a/1.png", DataFiles.Solid(10, 20, 30));
        _dir.Write("set/B/x.PNG", DataFiles.Solid(255, 0, 0));
        _dir.WriteText("set/a/notes.txt", "not an image");
        using var data = DataSets.Open(_dir.File("set"), Rgb8);

        Assert.Equal(4, data.Count);
        Assert.True(data.HasLabels);
        var batches = DataFiles.All(data, 3);
        Assert.Equal([0, 1, 1, 2], batches.SelectMany(b => b.Labels!));
        Assert.Equal([3L, 3, 8, 8], batches[0].Inputs["x"].Shape);
        var x = DataFiles.Values(batches);
        float[][] rgb = [[255, 0, 0], [10, 20, 30], [0, 255, 0], [0, 0, 255]];
        for (var s = 0; s < 4; s++)
        {
            for (var c = 0; c < 3; c++)
            {
                var plane = x.AsSpan(s * 192 + c * 64, 64).ToArray();
                // PNG is lossless; JPEG (sample 2) of a flat colour comes back within a few levels.
                var tolerance = s == 2 ? 4f / 255 : 0f;
                Assert.All(plane, v => Assert.InRange(v, rgb[s][c] * (1f / 255f) - tolerance, rgb[s][c] * (1f / 255f) + tolerance));
            }
        }
        Assert.Equal(x, DataFiles.Values(data.Batches(4)));
    }

    [Fact]
    public void A_one_channel_input_gets_grey_as_pil_computes_it()
    {
        _dir.Write("grey/a.png", DataFiles.Solid(200, 100, 50));
        using var data = DataSets.Open(_dir.File("grey"), [new InputSignature("x", ElementType.Float, [1, 1, 8, 8])]);

        Assert.False(data.HasLabels);
        var batch = Assert.Single(data.Batches(1));
        Assert.Equal([1L, 1, 8, 8], batch.Inputs["x"].Shape);
        var expected = ((200 * 19595 + 100 * 38470 + 50 * 7471 + 0x8000) >> 16) * (1f / 255f);
        Assert.All(DataFiles.Floats(batch.Inputs["x"]), v => Assert.Equal(expected, v));
    }

    [Fact]
    public void Resize_takes_the_shorter_side_and_crop_the_centre_on_a_gradient()
    {
        // 40×20: red rises 6 a column, green 12 a row. resize=10 halves it to 20×10; crop=6 starts at
        // left round(14/2)=7, top round(4/2)=2. Halving a linear ramp keeps it linear: output column j reads
        // source column 2(j+7)+0.5, row i source row 2(i+2)+0.5.
        _dir.Write("ramp/a.png", DataFiles.Image(40, 20, (x, y) => new SKColor((byte)(6 * x), (byte)(12 * y), 77)));
        using var data = DataSets.Open(_dir.File("ramp"), [new InputSignature("x", ElementType.Float, [null, 3, 6, 6])],
            Preprocess.Parse("resize=10,crop=6,mean=0.5,std=0.25"));

        var x = DataFiles.Floats(Assert.Single(data.Batches(1)).Inputs["x"]);
        Assert.Equal(3 * 36, x.Length);
        static float Norm(double level) => (float)((level / 255 - 0.5) / 0.25);
        const float tolerance = 3f / 255 / 0.25f;
        for (var i = 0; i < 6; i++)
        {
            for (var j = 0; j < 6; j++)
            {
                Assert.InRange(x[i * 6 + j], Norm(6 * (2 * (j + 7) + 0.5)) - tolerance, Norm(6 * (2 * (j + 7) + 0.5)) + tolerance);
                Assert.InRange(x[36 + i * 6 + j], Norm(12 * (2 * (i + 2) + 0.5)) - tolerance, Norm(12 * (2 * (i + 2) + 0.5)) + tolerance);
                Assert.Equal(Norm(77), x[72 + i * 6 + j], 4);
            }
        }
    }

    [Fact]
    public void Resize_rounds_the_longer_side_down()
    {
        // 30×20 to a shorter side of 7: the longer becomes ⌊7·30/20⌋ = ⌊10.5⌋ = 10, as torchvision's int().
        _dir.Write("long/a.png", DataFiles.Image(30, 20, (_, _) => new SKColor(9, 9, 9)));
        using var data = DataSets.Open(_dir.File("long"), [new InputSignature("x", ElementType.Float, [null, 3, null, null])], Preprocess.Parse("resize=7"));

        Assert.Equal([1L, 3, 7, 10], Assert.Single(data.Batches(1)).Inputs["x"].Shape);
    }

    [Fact]
    public void Crop_offsets_round_half_to_even()
    {
        // A 10×7 image whose shorter side is already 7 is not resampled; crop=5 then starts at
        // left round(2.5) = 2 (ties to even, as Python's round) and top round(1.0) = 1, so it reads exact pixels.
        _dir.Write("tie/a.png", DataFiles.Image(10, 7, (x, y) => new SKColor((byte)(20 * x), (byte)(30 * y), 0)));
        using var data = DataSets.Open(_dir.File("tie"), [new InputSignature("x", ElementType.Float, [null, 3, 5, 5])],
            Preprocess.Parse("resize=7,crop=5,scale=1"));

        var x = DataFiles.Floats(Assert.Single(data.Batches(1)).Inputs["x"]);
        Assert.Equal(Enumerable.Range(2, 5).Select(c => 20f * c), x[..5]);
        Assert.Equal(Enumerable.Range(1, 5).Select(r => 30f * r), Enumerable.Range(0, 5).Select(i => x[25 + i * 5]));
    }

    [Fact]
    public void A_labels_file_replaces_folder_labels_when_counts_match()
    {
        _dir.Write("set/a/1.png", DataFiles.Solid(1, 1, 1));
        _dir.Write("set/b/1.png", DataFiles.Solid(2, 2, 2));
        var labels = _dir.Write("y.npy", NpyBytes.Write("<i8", [2], [7, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0]));
        using var data = DataSets.Open(_dir.File("set"), Rgb8, labels: labels);

        Assert.Equal([7, 4], data.Batches(2).SelectMany(b => b.Labels!));
    }
}
