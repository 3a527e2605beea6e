using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// One N×… array in a file, .npy (float32 or uint8, C order) or IDX (uint8), plain or gzip'd: row i is
/// sample i of the model's one input. Rows are read one at a time from a stream opened per enumeration (a
/// seek past the header for a plain file, a skip through GZipStream for a .gz).
/// </summary>
internal sealed class TensorFileSource : ISampleSource
{
    private readonly string _path;
    private readonly bool _gzip;
    private readonly long _dataOffset;
    private readonly SampleNormalizer _normalizer;

    private TensorFileSource(string path, bool gzip, long dataOffset, long count, InputLayout layout, SampleNormalizer normalizer)
    {
        _path = path;
        _gzip = gzip;
        _dataOffset = dataOffset;
        Count = count;
        Layouts = [layout];
        _normalizer = normalizer;
    }

    public IReadOnlyList<InputLayout> Layouts { get; }

    public long Count { get; }

    public int[]? OwnLabels => null;

    /// <summary>Opens a .npy or IDX file (either gzip'd); null when the file is neither.</summary>
    public static TensorFileSource? TryOpen(string path, InputSignature input, Preprocess? preprocess)
    {
        var gzip = DataStreams.IsGzip(path);
        var start = DataStreams.Peek(path, gzip, 6);
        var npy = start.Length >= 6 && start[0] == 0x93 && start.AsSpan(1, 5).SequenceEqual("NUMPY"u8);
        if (!npy && !IdxHeader.Sniff(start)) return null;
        using var stream = DataStreams.Open(path, gzip, out var length);
        var (elemType, shape, offset) = DataStreams.Guard(path, () => npy ? NpyHeaderOf(stream, length, path) : IdxHeaderOf(stream, length, path));
        if (elemType is not (ElementType.Float or ElementType.UInt8))
        {
            throw new CodesignException(ErrorCodes.DataSetTypeUnsupported,
                $"samples of dtype {DtypeName(elemType)} are not supported; save them as float32 or uint8", path);
        }
        if (shape.Length == 0) throw new CodesignException(ErrorCodes.DataSetShapeMismatch, $"the array is a scalar; a data set is N×… with one sample per row (input '{input.Name}' {input.ShapeText})", path);
        if (preprocess is { ChangesGeometry: true })
        {
            throw new CodesignException(ErrorCodes.PreprocessMismatch, "--preprocess resize and crop apply to image folders; this array's samples are fed as they are", path);
        }
        var uint8 = elemType == ElementType.UInt8;
        var found = "[" + string.Join(",", shape) + "] " + ElementType.Name(elemType);
        var layout = InputLayout.ForRows(input, shape[1..], ElementType.IsFloat(input.ElemType) || input.ElemType == 0 ? InputLayout.FloatTypeFor(input) : input.ElemType, path, found);
        return new TensorFileSource(path, gzip, offset, shape[0], layout, SampleNormalizer.For(layout, uint8, preprocess, path));
    }

    public IRowReader OpenRows() => new Reader(this);

    /// <summary>NumPy's name where ONNX's differs (users save float64 and float16, not double and float16).</summary>
    private static string DtypeName(int elemType) => elemType switch
    {
        ElementType.Double => "float64",
        ElementType.Float16 => "float16",
        _ => ElementType.Name(elemType),
    };

    public void Dispose()
    {
    }

    private static (int, long[], long) NpyHeaderOf(Stream stream, long? length, string path)
    {
        var header = NpyReader.ReadHeader(stream, length, path);
        return (header.ElemType, header.Shape, header.DataOffset);
    }

    private static (int, long[], long) IdxHeaderOf(Stream stream, long? length, string path)
    {
        var header = IdxHeader.Read(stream, length, path);
        return (ElementType.UInt8, header.Shape, header.DataOffset);
    }

    private sealed class Reader : IRowReader
    {
        private readonly TensorFileSource _source;
        private readonly Stream _stream;
        private readonly byte[] _row;
        private long _next;

        public Reader(TensorFileSource source)
        {
            _source = source;
            _stream = DataStreams.Open(source._path, source._gzip, out _);
            DataStreams.Skip(_stream, source._dataOffset, source._path);
            _row = new byte[source.Layouts[0].SampleElements * source._normalizer.SourceElementSize];
        }

        public void ReadInto(byte[][] buffers, int row)
        {
            DataStreams.ReadExactly(_stream, _row, _source._path, _next, _source.Count);
            var rowBytes = _source.Layouts[0].RowBytes;
            _source._normalizer.Write(_row, buffers[0].AsSpan(row * rowBytes, rowBytes));
            _next++;
        }

        public void Dispose() => _stream.Dispose();
    }
}
