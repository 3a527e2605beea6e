using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// A folder of JPEG/PNG images (<see cref="ImageFiles"/>) for a model with one NCHW float input of 1 or 3
/// channels: each image decoded, resized and cropped by <see cref="ImageDecoder"/>, then scaled and
/// normalised by <see cref="SampleNormalizer"/> as uint8 data (scale 1/255 unless given). The first image is
/// decoded when opened so that a size that does not fit the input fails at once; the others when read.
/// </summary>
internal sealed class ImageFolderSource : ISampleSource
{
    private readonly ImageFiles _images;
    private readonly Preprocess? _preprocess;
    private readonly SampleNormalizer _normalizer;

    private ImageFolderSource(ImageFiles images, Preprocess? preprocess, InputLayout layout, SampleNormalizer normalizer)
    {
        _images = images;
        _preprocess = preprocess;
        Layouts = [layout];
        _normalizer = normalizer;
    }

    public IReadOnlyList<InputLayout> Layouts { get; }

    public long Count => _images.Files.Count;

    public int[]? OwnLabels => _images.Labels;

    public static ImageFolderSource Open(string dir, ImageFiles images, InputSignature input, Preprocess? preprocess)
    {
        if (input.Dims is { } d && (d.Length != 4 || d[1] is not (null or 1 or 3)))
        {
            throw new CodesignException(ErrorCodes.DataSetShapeMismatch,
                $"images feed an NCHW input of 1 or 3 channels ([N,3,H,W] or [N,1,H,W]); input '{input.Name}' is {input.ShapeText}", dir);
        }
        if (!(ElementType.IsFloat(input.ElemType) || input.ElemType == 0))
        {
            throw new CodesignException(ErrorCodes.DataSetTypeUnsupported, $"images feed a float input; input '{input.Name}' is {ElementType.Name(input.ElemType)}", dir);
        }
        var channels = input.Dims?[1] is 1 ? 1 : 3;
        var first = images.Files[0];
        var (width, height, _) = ImageDecoder.Load(first, preprocess, channels);
        var shape = new long[] { channels, input.Dims?[2] ?? height, input.Dims?[3] ?? width };
        var layout = new InputLayout(input, shape, InputLayout.FloatTypeFor(input));
        var source = new ImageFolderSource(images, preprocess, layout, SampleNormalizer.For(layout, sourceUInt8: true, preprocess, dir));
        source.Check(first, width, height);
        return source;
    }

    public IRowReader OpenRows() => new Reader(this);

    public void Dispose()
    {
    }

    private void Check(string file, int width, int height)
    {
        var layout = Layouts[0];
        if (width == layout.SampleShape[2] && height == layout.SampleShape[1]) return;
        throw new CodesignException(ErrorCodes.DataSetShapeMismatch,
            $"the image is {width}×{height} after --preprocess '{_preprocess}' but input '{layout.Name}' {layout.Input.ShapeText} takes {layout.SampleShape[2]}×{layout.SampleShape[1]}; "
            + "set resize= and crop= so that every image comes out at that size", file);
    }

    private sealed class Reader(ImageFolderSource source) : IRowReader
    {
        private int _next;

        public void ReadInto(byte[][] buffers, int row)
        {
            var file = source._images.Files[_next];
            var layout = source.Layouts[0];
            var (width, height, chw) = ImageDecoder.Load(file, source._preprocess, (int)layout.SampleShape[0]);
            source.Check(file, width, height);
            source._normalizer.Write(chw, buffers[0].AsSpan(row * layout.RowBytes, layout.RowBytes));
            _next++;
        }

        public void Dispose()
        {
        }
    }
}
