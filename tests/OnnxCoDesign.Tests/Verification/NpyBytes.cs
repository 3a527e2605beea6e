using System.Buffers.Binary;
using System.Text;

namespace OnnxCoDesign.Tests.Verification;

/// <summary>Writes .npy files by hand, per NumPy's format spec, so the reader is tested against the spec, not itself.</summary>
internal static class NpyBytes
{
    public static byte[] Write(string descr, long[] shape, byte[] data, bool fortran = false, int version = 1)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        var lengthBytes = version == 1 ? 2 : 4;
        var prefix = 6 + 2 + lengthBytes;
        // The header ends in '\n' and is padded with spaces so the data starts on a 64-byte boundary.
        var pad = (64 - (prefix + dict.Length + 1) % 64) % 64;
        var header = (version == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict + new string(' ', pad) + "\n");
        var file = new byte[prefix + header.Length + data.Length];
        file[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(file, 1);
        file[6] = (byte)version;
        file[7] = 0;
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)header.Length);
        header.CopyTo(file, prefix);
        data.CopyTo(file, prefix + header.Length);
        return file;
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    public static byte[] Float32(float[] values, params long[] shape) => Write("<f4", shape, Floats(values));
}
