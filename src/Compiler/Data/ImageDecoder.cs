using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using SkiaSharp;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// Decodes one JPEG or PNG with SkiaSharp and applies torchvision's Resize(resize) and CenterCrop(crop):
/// <code>
/// resize: the shorter side becomes R, the longer ⌊R · long / short⌋ (bilinear, mipmapped when shrinking)
/// crop:   top = round((h − C) / 2), left = round((w − C) / 2), ties to even as Python's round
/// </code>
/// then writes the pixels as uint8 CHW: R, G, B planes, or one grey plane L = (19595 R + 38470 G + 7471 B
/// + 2¹⁵) >> 16 (PIL's "L", which torchvision's Grayscale uses). Alpha is dropped without compositing, as
/// PIL's convert("RGB") does. An image that does not decode, or decodes only in part, is OCD1526.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>A photograph of 100 megapixels is under 64 MiB as JPEG; a larger file is not an image set's.</summary>
    private static readonly InputFileKind Kind = InputFileKind.DataFile.WithMaxBytes(256L << 20);

    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>The size after resize (shorter side to <paramref name="resize"/>), as torchvision computes it.</summary>
    public static (int Width, int Height) Resized(int width, int height, int resize)
    {
        if (width <= height) return (resize, (int)((long)resize * height / width));
        return ((int)((long)resize * width / height), resize);
    }

    /// <summary>The top-left corner of a centred crop of <paramref name="crop"/>² in an image of this size.</summary>
    public static (int Left, int Top) CropOrigin(int width, int height, int crop) =>
        ((int)Math.Round((width - crop) / 2.0, MidpointRounding.ToEven), (int)Math.Round((height - crop) / 2.0, MidpointRounding.ToEven));

    /// <summary>Decodes, resizes and crops; returns the size and the pixels as uint8 CHW with <paramref name="channels"/> planes.</summary>
    public static (int Width, int Height, byte[] Chw) Load(string file, Preprocess? preprocess, int channels)
    {
        using var bitmap = Decode(file);
        var current = bitmap;
        SKBitmap? resized = null;
        try
        {
            if (preprocess?.Resize is { } r)
            {
                var (w, h) = Resized(current.Width, current.Height, r);
                if (w != current.Width || h != current.Height)
                {
                    resized = current.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul), Sampling)
                        ?? throw new CodesignException(ErrorCodes.ImageUndecodable, $"the image could not be resized to {w}×{h}", file);
                    current = resized;
                }
            }
            var (left, top, width, height) = (0, 0, current.Width, current.Height);
            if (preprocess?.Crop is { } c)
            {
                if (c > current.Width || c > current.Height)
                {
                    throw new CodesignException(ErrorCodes.PreprocessMismatch,
                        $"crop={c} is larger than the image ({current.Width}×{current.Height}{(resized is null ? "" : " after resize")}); give a resize of at least {c}", file);
                }
                (left, top) = CropOrigin(current.Width, current.Height, c);
                (width, height) = (c, c);
            }
            return (width, height, Planes(current, left, top, width, height, channels));
        }
        finally
        {
            resized?.Dispose();
        }
    }

    private static SKBitmap Decode(string file)
    {
        var bytes = GuardedFile.ReadAllBytes(file, Kind);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new CodesignException(ErrorCodes.ImageUndecodable, "the image does not decode: not a JPEG or PNG SkiaSharp can read", file);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (info.Width <= 0 || info.Height <= 0) throw new CodesignException(ErrorCodes.ImageUndecodable, "the image has no pixels", file);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.Success) return bitmap;
        bitmap.Dispose();
        throw new CodesignException(ErrorCodes.ImageUndecodable,
            result == SKCodecResult.IncompleteInput ? "the image is truncated: it ends before its last pixel" : $"the image does not decode ({result})", file);
    }

    private static byte[] Planes(SKBitmap bitmap, int left, int top, int width, int height, int channels)
    {
        var pixels = bitmap.GetPixelSpan();
        var stride = bitmap.RowBytes;
        var plane = width * height;
        var chw = new byte[channels * plane];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = pixels.Slice((top + y) * stride + (left + x) * 4, 4);
                var i = y * width + x;
                if (channels == 1)
                {
                    chw[i] = (byte)((p[0] * 19595 + p[1] * 38470 + p[2] * 7471 + 0x8000) >> 16);
                    continue;
                }
                chw[i] = p[0];
                chw[plane + i] = p[1];
                chw[2 * plane + i] = p[2];
            }
        }
        return chw;
    }
}
