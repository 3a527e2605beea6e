using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// Reads NumPy's .npy format, versions 1.0, 2.0 and 3.0: the magic "\x93NUMPY", a version, a header length
/// (2 bytes in v1, 4 in v2/v3, little-endian), a Python dict literal with 'descr', 'fortran_order' and
/// 'shape', then the raw array. Only little-endian C-order arrays of the plain numeric types and bool are
/// read; Fortran order and big-endian data are refused (OCD1504) rather than silently reordered.
/// </summary>
public static class NpyReader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static TensorData Read(string path) => Parse(DataFile.ReadAll(path), path);

    public static TensorData Parse(ReadOnlySpan<byte> file, string? path = null)
    {
        var (major, dataStart) = Preamble(file, path);
        if (file.Length < dataStart) throw Error(ErrorCodes.DataTruncated, $"the .npy header says {dataStart - HeaderOffset(major)} bytes but the file ends before them", path);
        var header = Describe(file[..(int)dataStart], major, dataStart, file.Length, path);
        var bytes = file.Slice((int)dataStart, (int)header.DataBytes).ToArray();
        // NumPy stores bool as one byte, 0 or 1; ONNX Runtime expects exactly that.
        if (header.ElemType == ElementType.Bool) for (var i = 0; i < bytes.Length; i++) bytes[i] = bytes[i] != 0 ? (byte)1 : (byte)0;
        return new TensorData(header.ElemType, header.Shape, bytes);
    }

    /// <summary>
    /// Reads only the header from a stream at the file's start and leaves the stream at the first data byte,
    /// for data sets that stream rows instead of reading the array whole. <paramref name="fileLength"/> is the
    /// file's size when known (a plain file: the data size is then checked), null for a compressed stream.
    /// </summary>
    public static NpyHeader ReadHeader(Stream stream, long? fileLength, string path)
    {
        var preamble = new byte[12];
        var got = stream.ReadAtLeast(preamble, preamble.Length, throwOnEndOfStream: false);
        var (major, dataStart) = Preamble(preamble.AsSpan(0, got), path);
        if (dataStart > MaxHeaderBytes) throw Error(ErrorCodes.DataMalformed, $"the .npy header is {dataStart} bytes long, more than the {MaxHeaderBytes} a header can be", path);
        if (fileLength is { } length && length < dataStart) throw Error(ErrorCodes.DataTruncated, "the .npy file ends inside its header", path);
        var start = new byte[dataStart];
        preamble.AsSpan(0, Math.Min(got, (int)dataStart)).CopyTo(start);
        var rest = start.AsSpan(Math.Min(got, (int)dataStart));
        if (stream.ReadAtLeast(rest, rest.Length, throwOnEndOfStream: false) < rest.Length) throw Error(ErrorCodes.DataTruncated, "the .npy file ends inside its header", path);
        return Describe(start, major, dataStart, fileLength, path);
    }

    /// <summary>NumPy pads headers to 64 bytes and writes a few hundred at most; 1 MiB is far beyond any real one.</summary>
    private const int MaxHeaderBytes = 1 << 20;

    /// <summary>Where the header dict starts: after the magic, the version and a 2-byte (v1) or 4-byte length.</summary>
    private static int HeaderOffset(byte major) => major == 1 ? 10 : 12;

    /// <summary>The magic, version and header length: the .npy version and where the data starts.</summary>
    private static (byte Major, long DataStart) Preamble(ReadOnlySpan<byte> file, string? path)
    {
        if (file.Length >= 2 && file[0] == (byte)'P' && file[1] == (byte)'K')
        {
            throw Error(ErrorCodes.DataMalformed, "is an .npz archive; save each array with numpy.save as its own .npy file", path);
        }
        if (file.Length == 0) throw Error(ErrorCodes.DataMalformed, "the data file is empty", path);
        var prefix = Math.Min(file.Length, Magic.Length);
        if (!file[..prefix].SequenceEqual(Magic[..prefix])) throw Error(ErrorCodes.DataMalformed, "not a .npy file (no \\x93NUMPY magic)", path);
        if (file.Length < 8) throw Error(ErrorCodes.DataTruncated, "the .npy file ends inside its magic string and version", path);
        var major = file[6];
        var lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw Error(ErrorCodes.DataMalformed, $".npy version {major}.{file[7]} is not supported (1.0, 2.0, 3.0 are)", path),
        };
        if (file.Length < 8 + lengthBytes) throw Error(ErrorCodes.DataTruncated, "the .npy file ends inside its header length", path);
        long headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(file[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(file[8..]);
        return (major, 8 + lengthBytes + headerLength);
    }

    /// <summary>The header dict of a file whose first <paramref name="dataStart"/> bytes are <paramref name="start"/>.</summary>
    private static NpyHeader Describe(ReadOnlySpan<byte> start, byte major, long dataStart, long? fileLength, string? path)
    {
        var headerBytes = start[HeaderOffset(major)..(int)dataStart];
        var header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);

        var (descr, fortran, shape) = ParseHeader(header, path);
        var elemType = ElemTypeOf(descr, path);
        if (fortran && shape.Count(d => d > 1) > 1)
        {
            throw Error(ErrorCodes.DataUnsupportedLayout, "the array is in Fortran order; save it in C order (numpy.ascontiguousarray)", path);
        }
        long count;
        try { count = TensorData.ElementCountOf(shape); }
        catch (OverflowException) { throw Error(ErrorCodes.DataMalformed, "the .npy shape is too large", path); }
        long expected;
        try { expected = checked(count * ElementType.SizeOf(elemType)); }
        catch (OverflowException) { throw Error(ErrorCodes.DataMalformed, "the .npy shape is too large", path); }
        if (fileLength is { } length)
        {
            var available = length - dataStart;
            if (available < expected) throw Error(ErrorCodes.DataTruncated, $"the array needs {expected} bytes of data but the file holds {available}: it is truncated", path);
            if (available > expected) throw Error(ErrorCodes.DataMalformed, $"the array needs {expected} bytes of data but the file holds {available}", path);
        }
        return new NpyHeader(elemType, shape, dataStart, expected);
    }

    private static int ElemTypeOf(string descr, string? path)
    {
        if (descr.Length < 2) throw Error(ErrorCodes.DataUnsupportedType, $"dtype '{descr}' is not supported", path);
        var order = descr[0];
        var code = descr[1..];
        var type = code switch
        {
            "f4" => ElementType.Float,
            "f2" => ElementType.Float16,
            "f8" => ElementType.Double,
            "i8" => ElementType.Int64,
            "i4" => ElementType.Int32,
            "i2" => ElementType.Int16,
            "i1" => ElementType.Int8,
            "u8" => ElementType.UInt64,
            "u4" => ElementType.UInt32,
            "u2" => ElementType.UInt16,
            "u1" => ElementType.UInt8,
            "b1" => ElementType.Bool,
            _ => throw Error(ErrorCodes.DataUnsupportedType,
                $"dtype '{descr}' is not supported (use float32, float16, float64, int64, int32, uint8 or bool)", path),
        };
        var oneByte = ElementType.SizeOf(type) == 1;
        if (order == '>' && !oneByte) throw Error(ErrorCodes.DataUnsupportedLayout, $"dtype '{descr}' is big-endian; save it little-endian (array.astype('<{code}'))", path);
        if (order != '<' && !(oneByte && order is '|' or '=' or '>'))
        {
            throw Error(ErrorCodes.DataUnsupportedType, $"dtype '{descr}' has no explicit little-endian byte order", path);
        }
        return type;
    }

    private static (string Descr, bool Fortran, long[] Shape) ParseHeader(string header, string? path)
    {
        object? parsed;
        try
        {
            var parser = new PyLiteral(header);
            parsed = parser.Value();
            parser.End();
        }
        catch (FormatException e)
        {
            throw Error(ErrorCodes.DataMalformed, $"the .npy header does not parse: {e.Message}", path);
        }
        if (parsed is not Dictionary<string, object?> dict) throw Error(ErrorCodes.DataMalformed, "the .npy header is not a dict", path);
        if (!dict.TryGetValue("descr", out var descr) || descr is not string d)
        {
            throw Error(descr is null ? ErrorCodes.DataMalformed : ErrorCodes.DataUnsupportedType,
                descr is null ? "the .npy header has no 'descr'" : "structured dtypes are not supported", path);
        }
        if (!dict.TryGetValue("fortran_order", out var fo) || fo is not bool fortran) throw Error(ErrorCodes.DataMalformed, "the .npy header has no boolean 'fortran_order'", path);
        if (!dict.TryGetValue("shape", out var sh) || sh is not List<object?> items || items.Any(i => i is not long n || n < 0))
        {
            throw Error(ErrorCodes.DataMalformed, "the .npy header has no 'shape' tuple of non-negative integers", path);
        }
        return (d, fortran, items.Select(i => (long)i!).ToArray());
    }

    private static CodesignException Error(string code, string message, string? path) => new(code, message, path);

    /// <summary>
    /// The subset of Python literals .npy headers use: dicts, tuples, lists, quoted strings, integers
    /// (a Python 2 'L' suffix allowed), True, False and None.
    /// </summary>
    private sealed class PyLiteral(string text)
    {
        private int _pos;

        public void End()
        {
            Skip();
            if (_pos != text.Length) throw new FormatException($"unexpected '{text[_pos]}' after the dict");
        }

        public object? Value()
        {
            Skip();
            if (_pos >= text.Length) throw new FormatException("it ends early");
            var c = text[_pos];
            switch (c)
            {
                case '{': return Dict();
                case '(': return Sequence(')');
                case '[': return Sequence(']');
                case '\'' or '"': return Str();
            }
            if (char.IsDigit(c) || c == '-') return Integer();
            var start = _pos;
            while (_pos < text.Length && char.IsLetter(text[_pos])) _pos++;
            return text[start.._pos] switch
            {
                "True" => true,
                "False" => false,
                "None" => null,
                var word => throw new FormatException($"unexpected '{(word.Length > 0 ? word : c.ToString())}'"),
            };
        }

        private Dictionary<string, object?> Dict()
        {
            _pos++;
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                Skip();
                if (Take('}')) return dict;
                if (Value() is not string key) throw new FormatException("a dict key is not a string");
                Skip();
                if (!Take(':')) throw new FormatException("expected ':'");
                dict[key] = Value();
                Skip();
                if (Take('}')) return dict;
                if (!Take(',')) throw new FormatException("expected ',' or '}'");
            }
        }

        private List<object?> Sequence(char close)
        {
            _pos++;
            var items = new List<object?>();
            while (true)
            {
                Skip();
                if (Take(close)) return items;
                items.Add(Value());
                Skip();
                if (Take(close)) return items;
                if (!Take(',')) throw new FormatException($"expected ',' or '{close}'");
            }
        }

        private string Str()
        {
            var quote = text[_pos++];
            var start = _pos;
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] == '\\') throw new FormatException("escapes in strings are not supported");
                _pos++;
            }
            if (_pos >= text.Length) throw new FormatException("a string is not closed");
            return text[start.._pos++];
        }

        private long Integer()
        {
            var start = _pos;
            if (text[_pos] == '-') _pos++;
            while (_pos < text.Length && char.IsDigit(text[_pos])) _pos++;
            if (!long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            {
                throw new FormatException($"'{text[start.._pos]}' is not an integer");
            }
            if (_pos < text.Length && text[_pos] is 'L' or 'l') _pos++;
            return v;
        }

        private bool Take(char c)
        {
            if (_pos < text.Length && text[_pos] == c)
            {
                _pos++;
                return true;
            }
            return false;
        }

        private void Skip()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }
    }
}

/// <summary>What an .npy header says: element type, shape (C order), where the data starts and how many bytes it takes.</summary>
public sealed record NpyHeader(int ElemType, long[] Shape, long DataOffset, long DataBytes);
