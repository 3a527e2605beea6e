using System.Buffers.Binary;
using System.Text;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Tests.Verification;

public sealed class NpyReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_an_image_tensor_in_every_version(int version)
    {
        var values = Enumerable.Range(0, 1 * 3 * 224 * 224).Select(i => (float)Math.Sin(i)).ToArray();
        var file = NpyBytes.Write("<f4", [1, 3, 224, 224], NpyBytes.Floats(values), version: version);

        var t = NpyReader.Parse(file);

        Assert.Equal(ElementType.Float, t.ElemType);
        Assert.Equal([1L, 3L, 224L, 224L], t.Shape);
        Assert.Equal(values.Select(v => (double)v), t.ToDoubles());
    }

    [Fact]
    public void The_hand_written_header_is_64_byte_aligned_as_numpy_writes_it()
    {
        var file = NpyBytes.Float32([1f, 2f, 3f], 3);
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal((byte)'\n', file[10 + headerLength - 1]);
        Assert.Contains("'shape': (3,)", Encoding.Latin1.GetString(file, 10, headerLength));
    }

    public static TheoryData<string, int, byte[], double[]> Types => new()
    {
        { "<f2", ElementType.Float16, Bytes(2, (s, i) => BinaryPrimitives.WriteHalfLittleEndian(s, (Half)(i - 0.5))), [-0.5, 0.5] },
        { "<f8", ElementType.Double, Bytes(8, (s, i) => BinaryPrimitives.WriteDoubleLittleEndian(s, i * 1e-300)), [0, 1e-300] },
        { "<i8", ElementType.Int64, Bytes(8, (s, i) => BinaryPrimitives.WriteInt64LittleEndian(s, i - (1L << 40))), [-(1L << 40), 1 - (1L << 40)] },
        { "<i4", ElementType.Int32, Bytes(4, (s, i) => BinaryPrimitives.WriteInt32LittleEndian(s, -7 + i)), [-7, -6] },
        { "|u1", ElementType.UInt8, [0, 255], [0, 255] },
        { "|b1", ElementType.Bool, [0, 1], [0, 1] },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void Reads_each_supported_dtype(string descr, int type, byte[] data, double[] expected)
    {
        var t = NpyReader.Parse(NpyBytes.Write(descr, [2], data));
        Assert.Equal(type, t.ElemType);
        Assert.Equal(expected, t.ToDoubles());
    }

    [Fact]
    public void Reads_a_scalar_and_python2_long_dims()
    {
        var scalar = NpyReader.Parse(NpyBytes.Write("<f4", [], NpyBytes.Floats(3f)));
        Assert.Empty(scalar.Shape);
        Assert.Equal([3.0], scalar.ToDoubles());

        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }";
        var py2 = NpyReader.Parse(WithHeader(header, NpyBytes.Floats(1f, 2f)));
        Assert.Equal([1L, 2L], py2.Shape);
    }

    [Fact]
    public void Fortran_order_is_refused()
    {
        var file = NpyBytes.Write("<f4", [2, 3], NpyBytes.Floats(new float[6]), fortran: true);
        AssertRefused(file, ErrorCodes.DataUnsupportedLayout, "Fortran order");
    }

    [Fact]
    public void Big_endian_is_refused()
    {
        AssertRefused(NpyBytes.Write(">f4", [2], new byte[8]), ErrorCodes.DataUnsupportedLayout, "big-endian");
    }

    [Theory]
    [InlineData(7)]    // inside the magic
    [InlineData(9)]    // inside the header length
    [InlineData(40)]   // inside the header
    [InlineData(-1)]   // one byte of data missing
    public void Truncated_files_are_refused(int keep)
    {
        var file = NpyBytes.Float32([1f, 2f, 3f], 3);
        var cut = file[..(keep < 0 ? file.Length + keep : keep)];
        var e = Assert.Throws<CodesignException>(() => NpyReader.Parse(cut, "x.npy"));
        Assert.True(e.Code is ErrorCodes.DataTruncated, $"{e.Code}: {e.Message}");
        Assert.Equal("x.npy", e.File);
    }

    [Theory]
    [InlineData("<c8", ErrorCodes.DataUnsupportedType)]
    [InlineData("|O", ErrorCodes.DataUnsupportedType)]
    [InlineData("<U3", ErrorCodes.DataUnsupportedType)]
    public void Unsupported_dtypes_are_refused(string descr, string code) =>
        AssertRefused(NpyBytes.Write(descr, [1], new byte[8]), code, descr);

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "fortran_order")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "shape")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) ", "does not parse")]
    [InlineData("not a dict", "does not parse")]
    public void Malformed_headers_are_refused(string header, string message) =>
        AssertRefused(WithHeader(header, new byte[8]), ErrorCodes.DataMalformed, message);

    [Fact]
    public void Other_files_are_not_npy()
    {
        AssertRefused(Encoding.ASCII.GetBytes("hello, this is text"), ErrorCodes.DataMalformed, "not a .npy file");
        AssertRefused([(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0, 0], ErrorCodes.DataMalformed, ".npz");
    }

    private static void AssertRefused(byte[] file, string code, string message)
    {
        var e = Assert.Throws<CodesignException>(() => NpyReader.Parse(file, "data.npy"));
        Assert.Equal(code, e.Code);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain("\n", e.Canonical);
    }

    private static byte[] WithHeader(string dict, byte[] data)
    {
        var header = Encoding.Latin1.GetBytes(dict + "\n");
        var file = new byte[10 + header.Length + data.Length];
        file[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(file, 1);
        file[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)header.Length);
        header.CopyTo(file, 10);
        data.CopyTo(file, 10 + header.Length);
        return file;
    }

    private delegate void Writer(Span<byte> destination, int index);

    private static byte[] Bytes(int size, Writer write)
    {
        var b = new byte[2 * size];
        for (var i = 0; i < 2; i++) write(b.AsSpan(i * size, size), i);
        return b;
    }
}
