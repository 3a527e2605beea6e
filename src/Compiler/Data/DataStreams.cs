using System.IO.Compression;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// Opens data-set files as streams: through <see cref="GuardedFile"/> (a missing path is OCD1501, a FIFO or
/// device OCD1510), with no size bound since samples are streamed, and through GZipStream for a .gz (by its
/// magic, not its name). Every open starts at byte 0, so each enumeration re-opens.
/// </summary>
internal static class DataStreams
{
    public static readonly InputFileKind Kind = InputFileKind.DataFile.WithMaxBytes(long.MaxValue);

    /// <summary>Opens the file; <paramref name="length"/> is its size on disk.</summary>
    public static Stream OpenRaw(string path, out long length)
    {
        var file = GuardedFile.Open(path, Kind);
        length = file.Length;
        try
        {
            return new FileStream(file.Handle, FileAccess.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            file.Dispose();
            throw new CodesignException(ErrorCodes.DataFileNotFound, $"cannot read: {e.Message}", path);
        }
    }

    /// <summary>Whether the file starts with gzip's magic 1f 8b.</summary>
    public static bool IsGzip(string path)
    {
        using var raw = OpenRaw(path, out _);
        Span<byte> magic = stackalloc byte[2];
        return raw.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <summary>The file's content from its first byte, decompressed where <paramref name="gzip"/>; the plain length or null.</summary>
    public static Stream Open(string path, bool gzip, out long? length)
    {
        var raw = OpenRaw(path, out var size);
        length = gzip ? null : size;
        return gzip ? new GZipStream(raw, CompressionMode.Decompress) : raw;
    }

    /// <summary>The first bytes of the (decompressed) content, for telling formats apart.</summary>
    public static byte[] Peek(string path, bool gzip, int count)
    {
        using var stream = Open(path, gzip, out _);
        var buffer = new byte[count];
        var got = Guard(path, () => stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false));
        return buffer[..got];
    }

    /// <summary>Moves a stream on by <paramref name="bytes"/>: a seek for a file, reading for gzip.</summary>
    public static void Skip(Stream stream, long bytes, string path)
    {
        if (stream.CanSeek)
        {
            stream.Seek(bytes, SeekOrigin.Current);
            return;
        }
        var scratch = new byte[Math.Min(bytes, 1 << 16)];
        while (bytes > 0)
        {
            var n = Guard(path, () => stream.Read(scratch, 0, (int)Math.Min(bytes, scratch.Length)));
            if (n == 0) throw new CodesignException(ErrorCodes.DataSetUnreadable, "the file ends inside its header", path);
            bytes -= n;
        }
    }

    /// <summary>
    /// Reads exactly the buffer's length; a file that ends first is OCD1520 saying after which sample, and a
    /// corrupt gzip stream or a read error OCD1520 too.
    /// </summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string path, long sample, long count)
    {
        int got;
        try
        {
            got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new CodesignException(ErrorCodes.DataSetUnreadable, $"cannot read sample {sample} of {count}: {e.Message}", path);
        }
        if (got < buffer.Length) throw new CodesignException(ErrorCodes.DataSetUnreadable, $"the file ends inside sample {sample} of the {count} its header gives: it is truncated", path);
    }

    /// <summary>Reads header bytes exactly; a file that ends first is OCD1520.</summary>
    public static void ReadHeader(Stream stream, Span<byte> buffer, string path)
    {
        int got;
        try
        {
            got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new CodesignException(ErrorCodes.DataSetUnreadable, $"cannot read: {e.Message}", path);
        }
        if (got < buffer.Length) throw new CodesignException(ErrorCodes.DataSetUnreadable, "the file ends inside its header", path);
    }

    public static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new CodesignException(ErrorCodes.DataSetUnreadable, $"cannot read: {e.Message}", path);
        }
    }
}
