using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Parses a model file without reading its weights. It walks the wire format of ModelProto → graph →
/// initializer, and for each initializer's raw_data of at least <see cref="DeferThreshold"/> bytes it
/// records where the bytes are and skips them; everything else is parsed by protobuf as usual. The
/// skipped bytes are read from the file only when asked for (<see cref="ExternalDataStore"/>), so a
/// 100 MB model is analyzed with its weights never in memory, and written out by streaming them.
/// </summary>
internal sealed class ModelFileReader
{
    /// <summary>Smaller tensors (shape constants, scales) are parsed inline: they are cheap and often read.</summary>
    public const int DeferThreshold = 4096;

    private const int GraphField = 7, InitializerField = 5, RawDataField = 9;

    private readonly Stream _stream;
    private readonly string _path;
    private readonly List<(long Offset, long Length)> _deferred = new();

    private ModelFileReader(Stream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    public static (ModelProto Model, IReadOnlyList<(long Offset, long Length)> Deferred) Read(Stream stream, string path)
    {
        var reader = new ModelFileReader(stream, path);
        var model = reader.Message(stream.Length, ModelProto.Parser, GraphField, (m, end) =>
        {
            var graph = reader.Graph(end);
            if (m.Graph is null) m.Graph = graph;
            else m.Graph.MergeFrom(graph);
        });
        return (model, reader._deferred);
    }

    private GraphProto Graph(long end)
    {
        var initializers = new List<TensorProto>();
        var graph = Message(end, GraphProto.Parser, InitializerField, (_, tensorEnd) => initializers.Add(Tensor(tensorEnd)));
        graph.Initializer.AddRange(initializers);
        return graph;
    }

    private TensorProto Tensor(long end)
    {
        (long Offset, long Length)? raw = null;
        var tensor = Message(end, TensorProto.Parser, RawDataField, (_, rawEnd) =>
        {
            raw = (_stream.Position, rawEnd - _stream.Position);
            _stream.Position = rawEnd;
        }, length => length >= DeferThreshold);
        if (raw is { } r)
        {
            // The reference below replaces the tensor's own; one that also names external data would lose it.
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
            {
                throw new CodesignException(ErrorCodes.TensorDataConflict,
                    $"tensor '{tensor.Name}' holds its values in raw_data and references external data; a tensor keeps its values in one place only", _path);
            }
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Clear();
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = Path.GetFileName(_path) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = r.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = r.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            _deferred.Add((r.Offset, r.Length));
        }
        return tensor;
    }

    /// <summary>
    /// Reads fields up to <paramref name="end"/>. Length-delimited fields numbered <paramref name="special"/>
    /// (and, when given, passing <paramref name="takeSpecial"/>) go to <paramref name="onSpecial"/> with the
    /// stream at their payload; all other fields are collected and parsed together by protobuf.
    /// </summary>
    private T Message<T>(long end, MessageParser<T> parser, int special, Action<T, long> onSpecial, Func<long, bool>? takeSpecial = null)
        where T : IMessage<T>
    {
        var rest = new MemoryStream();
        var specials = new List<long>();
        while (_stream.Position < end)
        {
            var start = _stream.Position;
            var tag = ReadVarint(end);
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            if (field == 0) throw NotOnnx("a field numbered 0");
            if (field == special && wire == ProtoWire.LengthDelimited)
            {
                var length = (long)ReadVarint(end);
                var payloadEnd = Within(_stream.Position, length, end);
                if (takeSpecial is null || takeSpecial(length))
                {
                    specials.Add(_stream.Position);
                    specials.Add(payloadEnd);
                    _stream.Position = payloadEnd;
                    continue;
                }
                _stream.Position = start;
            }
            else
            {
                _stream.Position = start;
            }
            CopyField(rest, end);
        }
        var message = parser.ParseFrom(rest.ToArray());
        var after = _stream.Position;
        for (var i = 0; i < specials.Count; i += 2)
        {
            _stream.Position = specials[i];
            onSpecial(message, specials[i + 1]);
            if (_stream.Position != specials[i + 1]) throw NotOnnx("a nested message that does not fill its length");
        }
        _stream.Position = after;
        return message;
    }

    private void CopyField(MemoryStream destination, long end)
    {
        var start = _stream.Position;
        var tag = ReadVarint(end);
        long fieldEnd = (tag & 7) switch
        {
            0 => SkipVarint(end),
            1 => Within(_stream.Position, 8, end),
            2 => LengthDelimitedEnd(end),
            5 => Within(_stream.Position, 4, end),
            _ => throw NotOnnx($"wire type {tag & 7}"),
        };
        _stream.Position = start;
        // Protobuf parses at most 2 GiB in one message; only initializers' raw data is skipped in the file.
        if (fieldEnd - start > int.MaxValue) throw NotOnnx($"a field of {fieldEnd - start} bytes outside an initializer's raw data (at most 2 GiB can be parsed)");
        var length = (int)(fieldEnd - start);
        var buffer = new byte[length];
        _stream.ReadExactly(buffer);
        destination.Write(buffer);
    }

    private long LengthDelimitedEnd(long end)
    {
        var length = (long)ReadVarint(end);
        return Within(_stream.Position, length, end);
    }

    private long SkipVarint(long end)
    {
        ReadVarint(end);
        return _stream.Position;
    }

    private ulong ReadVarint(long end)
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_stream.Position >= end) throw Truncated();
            var b = _stream.ReadByte();
            if (b < 0) throw Truncated();
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw NotOnnx("a malformed varint");
    }

    private long Within(long position, long length, long end)
    {
        // Written as a difference: a length prefix near 2^63 would overflow position + length into a negative end.
        if (length < 0 || length > end - position) throw Truncated();
        return position + length;
    }

    private static WireFormatException Truncated() => new(truncated: true, "the input ended in the middle of a field");

    private static WireFormatException NotOnnx(string what) => new(truncated: false, $"the protobuf has {what}");
}

/// <summary>The wire format did not parse; the loader maps it to OCD1004 (truncated) or OCD1003.</summary>
internal sealed class WireFormatException(bool truncated, string message) : Exception(message)
{
    public bool Truncated { get; } = truncated;
}
