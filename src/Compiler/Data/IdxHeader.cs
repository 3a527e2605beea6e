using System.Buffers.Binary;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (*-idx3-ubyte, *-idx1-ubyte): bytes 0 0, a type byte (0x08
/// uint8; the others are refused), the number of dims, each dim as a big-endian uint32, then the values in
/// C order. Only uint8 is read: every IDX data set in use stores pixels and labels as bytes.
/// </summary>
internal sealed record IdxHeader(long[] Shape, long DataOffset)
{
    public const byte UInt8 = 0x08;

    /// <summary>Whether these first bytes start an IDX file of any type (a zero word, a known type, 1 to 8 dims).</summary>
    public static bool Sniff(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && start[0] == 0 && start[1] == 0 && start[2] is 0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E && start[3] is >= 1 and <= 8;

    /// <summary>Reads the header from a stream at byte 0, leaving it at the first value; checks a plain file's size.</summary>
    public static IdxHeader Read(Stream stream, long? fileLength, string path)
    {
        var magic = new byte[4];
        DataStreams.ReadHeader(stream, magic, path);
        if (!Sniff(magic)) throw new CodesignException(ErrorCodes.DataSetUnreadable, "not an IDX file (no 00 00 type dims magic)", path);
        if (magic[2] != UInt8)
        {
            throw new CodesignException(ErrorCodes.DataSetTypeUnsupported, $"IDX type 0x{magic[2]:X2} is not supported; IDX data must be uint8 (0x08)", path);
        }
        var dims = new byte[4 * magic[3]];
        DataStreams.ReadHeader(stream, dims, path);
        var shape = Enumerable.Range(0, magic[3]).Select(i => (long)BinaryPrimitives.ReadUInt32BigEndian(dims.AsSpan(4 * i))).ToArray();
        var header = new IdxHeader(shape, 4 + dims.Length);
        long values;
        try { values = shape.Aggregate(1L, (a, d) => checked(a * d)); }
        catch (OverflowException) { throw new CodesignException(ErrorCodes.DataSetUnreadable, "the IDX shape is too large", path); }
        if (fileLength is { } length && length - header.DataOffset != values)
        {
            throw new CodesignException(ErrorCodes.DataSetUnreadable,
                $"the IDX header gives shape [{string.Join(",", shape)}] ({values} bytes) but the file holds {length - header.DataOffset}", path);
        }
        return header;
    }
}
