using System.IO.Compression;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Data;

/// <summary>IDX files (MNIST's format), gzip'd and plain, and Debian's Fashion-MNIST test split.</summary>
public sealed class IdxDataSetTests : IDisposable
{
    private static readonly IReadOnlyList<InputSignature> Mnist = [new("x", ElementType.Float, [null, 1, 28, 28])];
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Idx3_images_and_idx1_labels_stream_in_order(bool gzip)
    {
        var pixels = Enumerable.Range(0, 5 * 4 * 4).Select(i => (byte)(i * 3)).ToArray();
        byte[] ids = [7, 2, 2, 0, 9];
        byte[] Maybe(byte[] b) => gzip ? DataFiles.Gzip(b) : b;
        var images = _dir.Write(gzip ? "img-idx3-ubyte.gz" : "img-idx3-ubyte", Maybe(DataFiles.Idx(pixels, 5, 4, 4)));
        var labels = _dir.Write(gzip ? "lab-idx1-ubyte.gz" : "lab-idx1-ubyte", Maybe(DataFiles.Idx(ids, 5)));
        using var data = DataSets.Open(images, [new InputSignature("x", ElementType.Float, [null, 1, 4, 4])], labels: labels);

        Assert.Equal(5, data.Count);
        var batches = DataFiles.All(data, 2);
        Assert.Equal([2, 2, 1], batches.Select(b => b.Count));
        Assert.Equal([1L, 1, 4, 4], batches[2].Inputs["x"].Shape);
        Assert.Equal(pixels.Select(p => p * (1f / 255f)).ToArray(), DataFiles.Values(batches));
        Assert.Equal(ids.Select(b => (int)b), batches.SelectMany(b => b.Labels!));
        Assert.Equal(DataFiles.Values(batches), DataFiles.Values(data.Batches(3)));
    }

    [Fact]
    public void Debian_fashion_mnist_test_split_reads_whole_with_its_labels()
    {
        // Not skipped when missing: CI installs dataset-fashion-mnist, and other tests depend on these files.
        Assert.True(File.Exists(FashionMnist.TestImages), $"{FashionMnist.TestImages} is missing: apt-get install dataset-fashion-mnist");
        var (firstLabel, firstImage) = FirstSampleFromTheFiles();
        using var data = DataSets.Open(FashionMnist.TestImages, Mnist, labels: FashionMnist.TestLabels);

        Assert.Equal(FashionMnist.TestCount, data.Count);
        Assert.True(data.HasLabels);
        var perClass = new int[FashionMnist.Classes];
        long seen = 0;
        DataBatch? first = null;
        foreach (var batch in data.Batches(1000))
        {
            first ??= batch;
            Assert.Equal(seen, batch.First);
            Assert.Equal([batch.Count, 1L, 28, 28], batch.Inputs["x"].Shape);
            foreach (var label in batch.Labels!) perClass[label]++;
            seen += batch.Count;
        }
        Assert.Equal(FashionMnist.TestCount, seen);
        Assert.All(perClass, n => Assert.Equal(1000, n)); // the test split is balanced: 1,000 images per class
        Assert.Equal(firstLabel, first!.Labels![0]);
        Assert.Equal(firstImage.Select(p => p * (1f / 255f)).ToArray(), DataFiles.Floats(first.Inputs["x"])[..784]);
    }

    /// <summary>The first label and image straight from the gzip'd files' bytes: labels after an 8-byte header, images after 16.</summary>
    private static (int Label, byte[] Image) FirstSampleFromTheFiles()
    {
        using var labels = new GZipStream(File.OpenRead(FashionMnist.TestLabels), CompressionMode.Decompress);
        var header = new byte[9];
        labels.ReadExactly(header);
        using var images = new GZipStream(File.OpenRead(FashionMnist.TestImages), CompressionMode.Decompress);
        var image = new byte[16 + 784];
        images.ReadExactly(image);
        return (header[8], image[16..]);
    }
}
