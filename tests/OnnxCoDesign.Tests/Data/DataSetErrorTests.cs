using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;
using OnnxCoDesign.Tests.Verification;

namespace OnnxCoDesign.Tests.Data;

/// <summary>Every data-set error: its code, and the file it names (CodesignException.File, first in the printed line).</summary>
public sealed class DataSetErrorTests : IDisposable
{
    private static readonly IReadOnlyList<InputSignature> Mnist = [new("x", ElementType.Float, [null, 1, 28, 28])];
    private static readonly IReadOnlyList<InputSignature> Rgb8 = [new("x", ElementType.Float, [null, 3, 8, 8])];
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CodesignException Fails(string code, string file, Action open)
    {
        var e = Assert.Throws<CodesignException>(open);
        Assert.Equal(code, e.Code);
        Assert.Equal(file, e.File);
        Assert.StartsWith(file + ": error " + code + ": ", e.Canonical);
        return e;
    }

    private static void Open(string path, IReadOnlyList<InputSignature> inputs, Preprocess? preprocess = null, string? labels = null)
    {
        using var data = DataSets.Open(path, inputs, preprocess, labels);
        foreach (var _ in data.Batches(4))
        {
        }
    }

    private string Images(int n) => _dir.Write($"x{n}.npy", NpyBytes.Write("|u1", [n, 28, 28], new byte[n * 784]));

    [Fact]
    public void A_missing_path_is_OCD1501()
    {
        var path = _dir.File("nowhere.npy");
        Fails(ErrorCodes.DataFileNotFound, path, () => Open(path, Mnist));
    }

    [Fact]
    public void A_file_of_no_known_format_is_OCD1520()
    {
        var path = _dir.WriteText("notes.csv", "1,2,3\n");
        Fails(ErrorCodes.DataSetUnreadable, path, () => Open(path, Mnist));
    }

    [Fact]
    public void A_gzip_that_ends_inside_the_samples_is_OCD1520_when_read()
    {
        var full = DataFiles.Idx(new byte[3 * 784], 3, 28, 28);
        var path = _dir.Write("short-idx3-ubyte.gz", DataFiles.Gzip(full[..(full.Length - 100)]));
        using var data = DataSets.Open(path, Mnist);

        Assert.Equal(3, data.Count);
        var e = Fails(ErrorCodes.DataSetUnreadable, path, () => data.Batches(1).ToList());
        Assert.Contains("sample 2", e.Message);
    }

    [Fact]
    public void A_plain_idx_shorter_than_its_header_says_is_OCD1520_when_opened()
    {
        var full = DataFiles.Idx(new byte[3 * 784], 3, 28, 28);
        var path = _dir.Write("short-idx3-ubyte", full[..(full.Length - 1)]);
        Fails(ErrorCodes.DataSetUnreadable, path, () => Open(path, Mnist));
    }

    [Fact]
    public void Samples_of_the_wrong_shape_are_OCD1521_naming_both_shapes()
    {
        var path = _dir.Write("small.npy", NpyBytes.Write("|u1", [2, 3, 3], new byte[18]));
        var e = Fails(ErrorCodes.DataSetShapeMismatch, path, () => Open(path, Mnist));
        Assert.Contains("[3,3]", e.Message);
        Assert.Contains("[?,1,28,28]", e.Message);
        Assert.Contains("[1,28,28]", e.Message);
    }

    [Fact]
    public void An_image_that_does_not_come_out_at_the_input_size_is_OCD1521_naming_the_image()
    {
        var image = _dir.Write("set/a.png", DataFiles.Solid(1, 2, 3, side: 10));
        var e = Fails(ErrorCodes.DataSetShapeMismatch, image, () => Open(_dir.File("set"), Rgb8));
        Assert.Contains("10×10", e.Message);
    }

    [Fact]
    public void Float64_samples_are_OCD1522()
    {
        var path = _dir.Write("wide.npy", NpyBytes.Write("<f8", [1, 1, 28, 28], new byte[784 * 8]));
        var e = Fails(ErrorCodes.DataSetTypeUnsupported, path, () => Open(path, Mnist));
        Assert.Contains("float64", e.Message);
    }

    [Fact]
    public void Labels_of_another_count_are_OCD1523_naming_the_labels_file_and_both_counts()
    {
        var data = Images(5);
        var labels = _dir.Write("y.npy", NpyBytes.Write("|u1", [4], [0, 1, 2, 3]));
        var e = Fails(ErrorCodes.LabelsCountMismatch, labels, () => Open(data, Mnist, labels: labels));
        Assert.Contains("4 labels for the 5 samples", e.Message);
        Assert.Contains(data, e.Message);
    }

    [Fact]
    public void Float_labels_are_OCD1524()
    {
        var labels = _dir.Write("y.npy", NpyBytes.Float32([1f, 2f], 2));
        Fails(ErrorCodes.LabelsNotIntegers, labels, () => Open(Images(2), Mnist, labels: labels));
    }

    [Fact]
    public void Labels_of_two_dims_are_OCD1524()
    {
        var labels = _dir.Write("y.npy", NpyBytes.Write("|u1", [2, 1], [0, 1]));
        Fails(ErrorCodes.LabelsNotIntegers, labels, () => Open(Images(2), Mnist, labels: labels));
    }

    [Fact]
    public void A_negative_label_is_OCD1525()
    {
        var labels = _dir.Write("y.npy", NpyBytes.Write("<i4", [2], [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]));
        var e = Fails(ErrorCodes.LabelsNegative, labels, () => Open(Images(2), Mnist, labels: labels));
        Assert.Contains("label 1 is -1", e.Message);
    }

    [Fact]
    public void An_image_that_does_not_decode_is_OCD1526_naming_the_image_when_it_is_reached()
    {
        _dir.Write("set/a.png", DataFiles.Solid(1, 2, 3));
        var bad = _dir.WriteText("set/b.png", "not a png");
        using var data = DataSets.Open(_dir.File("set"), Rgb8);

        Fails(ErrorCodes.ImageUndecodable, bad, () => data.Batches(1).ToList());
    }

    [Fact]
    public void A_truncated_png_is_OCD1526()
    {
        var png = DataFiles.Image(8, 8, (x, y) => new SkiaSharp.SKColor((byte)(x * 30), (byte)(y * 30), 5));
        var bad = _dir.Write("set/a.png", png[..(png.Length / 2)]);
        Fails(ErrorCodes.ImageUndecodable, bad, () => Open(_dir.File("set"), Rgb8));
    }

    [Fact]
    public void An_array_with_no_rows_is_OCD1528()
    {
        var path = _dir.Write("none.npy", NpyBytes.Write("|u1", [0, 28, 28], []));
        Fails(ErrorCodes.DataSetEmpty, path, () => Open(path, Mnist));
    }

    [Fact]
    public void A_class_folder_without_images_is_OCD1528_naming_it()
    {
        _dir.Write("set/a/1.png", DataFiles.Solid(1, 2, 3));
        Directory.CreateDirectory(_dir.File("set/b"));
        Fails(ErrorCodes.DataSetEmpty, _dir.File("set/b"), () => Open(_dir.File("set"), Rgb8));
    }

    [Fact]
    public void A_folder_with_no_data_is_OCD1529()
    {
        _dir.WriteText("misc/readme.txt", "hello");
        Fails(ErrorCodes.DataFolderUnrecognized, _dir.File("misc"), () => Open(_dir.File("misc"), Mnist));
    }

    [Fact]
    public void Images_beside_class_folders_are_OCD1529()
    {
        _dir.Write("set/a/1.png", DataFiles.Solid(1, 2, 3));
        _dir.Write("set/stray.png", DataFiles.Solid(1, 2, 3));
        var e = Fails(ErrorCodes.DataFolderUnrecognized, _dir.File("set"), () => Open(_dir.File("set"), Rgb8));
        Assert.Contains("stray.png", e.Message);
    }

    [Fact]
    public void A_single_array_for_a_two_input_model_is_OCD1530()
    {
        var path = Images(1);
        IReadOnlyList<InputSignature> two = [Mnist[0], new("y", ElementType.Float, [null, 4])];
        Fails(ErrorCodes.DataSetInputCount, path, () => Open(path, two));
    }

    [Fact]
    public void Mean_values_that_do_not_match_the_channels_are_OCD1531()
    {
        var path = _dir.Write("rgb.npy", NpyBytes.Write("|u1", [1, 3, 8, 8], new byte[192]));
        var e = Fails(ErrorCodes.PreprocessMismatch, path, () => Open(path, Rgb8, Preprocess.Parse("mean=0.5,0.5")));
        Assert.Contains("3 channel", e.Message);
    }

    [Fact]
    public void Crop_on_an_array_is_OCD1531()
    {
        var path = Images(1);
        Fails(ErrorCodes.PreprocessMismatch, path, () => Open(path, Mnist, Preprocess.Parse("crop=20")));
    }

    [Fact]
    public void A_crop_larger_than_the_image_is_OCD1531_naming_the_image()
    {
        var image = _dir.Write("set/a.png", DataFiles.Solid(1, 2, 3, side: 6));
        Fails(ErrorCodes.PreprocessMismatch, image, () => Open(_dir.File("set"), Rgb8, Preprocess.Parse("crop=8")));
    }
}
