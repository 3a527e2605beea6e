using System.Buffers.Binary;
using System.IO.Compression;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using SkiaSharp;

namespace OnnxCoDesign.Tests.Data;

/// <summary>Data-set files written by hand from their formats' specs (IDX, gzip, PNG/JPEG through SkiaSharp), and reading them back.</summary>
internal static class DataFiles
{
    /// <summary>An IDX file: 00 00, type 0x08 (uint8), the number of dims, each dim big-endian, then the bytes.</summary>
    public static byte[] Idx(byte[] values, params int[] dims)
    {
        var file = new byte[4 + 4 * dims.Length + values.Length];
        file[2] = 0x08;
        file[3] = (byte)dims.Length;
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(4 + 4 * i), (uint)dims[i]);
        values.CopyTo(file, 4 + 4 * dims.Length);
        return file;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(bytes);
        return output.ToArray();
    }

    /// <summary>An image of the given size whose pixel (x, y) is <paramref name="color"/>(x, y), encoded as PNG or JPEG.</summary>
    public static byte[] Image(int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++) for (var x = 0; x < width; x++) bitmap.SetPixel(x, y, color(x, y));
        using var data = bitmap.Encode(format, 100);
        return data.ToArray();
    }

    public static byte[] Solid(byte r, byte g, byte b, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int side = 8) =>
        Image(side, side, (_, _) => new SKColor(r, g, b), format);

    /// <summary>Every batch, enumerated once.</summary>
    public static List<DataBatch> All(IDataSet data, int batchSize) => data.Batches(batchSize).ToList();

    /// <summary>The float values of one input over all batches, real rows only, in order.</summary>
    public static float[] Values(IEnumerable<DataBatch> batches, string input = "x") =>
        batches.SelectMany(b => Floats(b.Inputs[input]).Take(b.Count * RowElements(b.Inputs[input]))).ToArray();

    public static float[] Floats(TensorData t) => t.ToDoubles().Select(v => (float)v).ToArray();

    private static int RowElements(TensorData t) => (int)(t.ElementCount / t.Shape[0]);
}
