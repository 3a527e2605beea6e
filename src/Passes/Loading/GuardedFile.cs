using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// A file the tool reads, opened once and checked on that handle: opened without blocking (a FIFO would
/// otherwise wait for a writer forever), a regular file (not a FIFO, device, socket or folder: /dev/zero
/// would otherwise be read until memory runs out), at most its kind's size; its length is the handle's.
/// Everything read of it is read through <see cref="Handle"/>, so nothing can be swapped in between.
/// Every failure is a coded error of its <see cref="InputFileKind"/>.
/// </summary>
public sealed class GuardedFile : IDisposable
{
    private readonly InputFileKind _kind;

    private GuardedFile(string path, InputFileKind kind, SafeFileHandle handle, long length)
    {
        _kind = kind;
        Path = path;
        Handle = handle;
        Length = length;
    }

    public string Path { get; }

    public SafeFileHandle Handle { get; }

    /// <summary>The size when opened, from the handle.</summary>
    public long Length { get; }

    public static GuardedFile Open(string path, InputFileKind kind)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0'))
        {
            throw new CodesignException(kind.MissingCode, $"{kind.MissingMessage}: '{path.Replace("\0", "\\0")}'", path);
        }
        var handle = NativeFiles.Supported ? OpenNative(path, kind) : OpenByPath(path, kind);
        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length > kind.MaxBytes)
            {
                throw new CodesignException(kind.TooLargeCode, $"the {kind.Noun} is {length} bytes, more than the {kind.MaxBytes} {Article(kind.Noun)} can be", path);
            }
            return new GuardedFile(path, kind, handle, length);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads the whole file (as it was when opened: a file that grows since is read to its opening length).</summary>
    public static byte[] ReadAllBytes(string path, InputFileKind kind)
    {
        using var file = Open(path, kind);
        return file.ReadAll();
    }

    /// <summary>Reads the whole file as text (UTF-8 unless a byte-order mark says otherwise, as File.ReadAllText).</summary>
    public static string ReadAllText(string path, InputFileKind kind)
    {
        using var reader = new StreamReader(new MemoryStream(ReadAllBytes(path, kind)), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    public byte[] ReadAll()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(checked((int)Length));
        var done = 0;
        try
        {
            while (done < buffer.Length)
            {
                var n = RandomAccess.Read(Handle, buffer.AsSpan(done), done);
                if (n == 0) break; // shrank since it was opened: what is there is what it holds
                done += n;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(_kind.UnreadableCode, $"cannot read: {e.Message}", Path);
        }
        return done == buffer.Length ? buffer : buffer[..done];
    }

    public void Dispose() => Handle.Dispose();

    private static SafeFileHandle OpenNative(string path, InputFileKind kind)
    {
        var handle = NativeFiles.Open(path, out var errno);
        if (handle is null)
        {
            if (errno is NativeFiles.NoSuchEntry or NativeFiles.NotADirectory) throw new CodesignException(kind.MissingCode, kind.MissingMessage, path);
            throw new CodesignException(kind.UnreadableCode, $"cannot open: {Marshal.GetPInvokeErrorMessage(errno)}", path);
        }
        try
        {
            Refuse(NativeFiles.Status(handle).Type, path, kind);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Where <see cref="NativeFiles"/> is not available (macOS, Windows) the type is checked by path before
    /// the open: a file swapped in between is not caught there, but a FIFO or device named as such is.
    /// </summary>
    private static SafeFileHandle OpenByPath(string path, InputFileKind kind)
    {
        if (Directory.Exists(path)) Refuse(NodeType.Directory, path, kind);
        if (!File.Exists(path)) throw new CodesignException(kind.MissingCode, kind.MissingMessage, path);
        try
        {
            if (!FileLinks.Describe(System.IO.Path.GetFullPath(new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path)).IsRegularFile)
            {
                Refuse(NodeType.Unknown, path, kind);
            }
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(kind.UnreadableCode, $"cannot open: {e.Message}", path);
        }
    }

    private static void Refuse(NodeType type, string path, InputFileKind kind)
    {
        if (type == NodeType.Regular) return;
        if (type == NodeType.Directory) throw new CodesignException(kind.UnreadableCode, $"is a directory, not {Article(kind.Noun)}", path);
        throw new CodesignException(kind.NotRegularCode, $"is {NativeFiles.Describe(type)}, not a regular file; {Article(kind.Noun)} must be one", path);
    }

    private static string Article(string noun) => (noun.Length > 0 && "AEIOUaeiou".Contains(noun[0]) ? "an " : "a ") + noun;
}
