using Google.Protobuf;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// The few pieces of the protobuf wire format that streaming reads and writes need: tags, varints, and
/// where in a serialized message the fields above a given number start (generated code writes fields in
/// number order, so a message splits there into the part before a field and the part after it).
/// </summary>
internal static class ProtoWire
{
    public const int LengthDelimited = 2;

    public static uint Tag(int field, int wireType) => (uint)((field << 3) | wireType);

    public static int VarintSize(ulong value)
    {
        var n = 1;
        while (value >= 0x80) { value >>= 7; n++; }
        return n;
    }

    public static void WriteVarint(Stream s, ulong value)
    {
        Span<byte> buffer = stackalloc byte[10];
        var n = 0;
        while (value >= 0x80)
        {
            buffer[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[n++] = (byte)value;
        s.Write(buffer[..n]);
    }

    public static void WriteLengthPrefix(Stream s, int field, long length)
    {
        WriteVarint(s, Tag(field, LengthDelimited));
        WriteVarint(s, (ulong)length);
    }

    /// <summary>Size of a length-delimited field holding <paramref name="length"/> bytes.</summary>
    public static long FieldSize(int field, long length) => VarintSize(Tag(field, LengthDelimited)) + VarintSize((ulong)length) + length;

    /// <summary>Splits a serialized message before the first field numbered above <paramref name="field"/>.</summary>
    public static (byte[] Before, byte[] After) SplitAfterField(byte[] message, int field)
    {
        var input = new CodedInputStream(message);
        var position = 0L;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if ((int)(tag >> 3) > field) break;
            input.SkipLastField();
            position = input.Position;
        }
        var cut = tag == 0 ? message.Length : (int)position;
        return (message[..cut], message[cut..]);
    }
}
