using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Writes an output through an existing FIFO or device node: the node is opened for writing as it is (no create, no
/// truncate, no following a link) and never replaced, so a terminal's device node or a FIFO a consumer reads
/// stays what it was. A FIFO nobody reads is refused at once instead of blocking: the open is non-blocking (a FIFO
/// without a reader fails with ENXIO), and on Linux the handle is switched back to blocking writes afterwards.
/// </summary>
internal static partial class DeviceFileWriter
{
    public static void Write(string fullPath, Action<Stream> write, string shownPath)
    {
        using var handle = OpenExisting(fullPath, shownPath);
        var kind = FileKinds.Of(handle);
        if (kind is not (FileKind.Fifo or FileKind.CharacterDevice or FileKind.BlockDevice))
        {
            throw new CodesignException(ErrorCodes.OutputSpecialFile, $"cannot write: the output changed to {FileKinds.Describe(kind)} while it was opened", shownPath);
        }
        try
        {
            using var stream = new FileStream(handle, FileAccess.Write, bufferSize: 1 << 16);
            write(stream);
            stream.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write through {FileKinds.Describe(kind)}: {e.Message}", shownPath);
        }
    }

    private static SafeFileHandle OpenExisting(string fullPath, string shownPath)
    {
        if (OperatingSystem.IsLinux()) return LinuxOpen(fullPath, shownPath);
        if (OperatingSystem.IsMacOS()) return ProbedOpen(fullPath, shownPath, MacFlags, MacLoop);
        throw new CodesignException(ErrorCodes.OutputSpecialFile, "cannot write: the output is not a regular file", shownPath);
    }

    private const int WriteOnly = 0x1;
    private const int NoReader = 6; // ENXIO, on Linux and macOS alike
    private const int LinuxNonBlocking = 0x800, LinuxNoCtty = 0x100, LinuxCloseOnExec = 0x80000;
    private const int LinuxLoop = 40;
    private const int GetFlags = 3, SetFlags = 4;
    private const int MacFlags = WriteOnly | 0x4 /* O_NONBLOCK */ | 0x100 /* O_NOFOLLOW */ | 0x20000 /* O_NOCTTY */ | 0x1000000 /* O_CLOEXEC */;
    private const int MacLoop = 62;

    // O_NOFOLLOW differs by architecture on Linux (x64 0400000, arm64 0100000).
    private static int LinuxNoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    private static SafeFileHandle LinuxOpen(string fullPath, string shownPath)
    {
        var fd = Open(fullPath, WriteOnly | LinuxNonBlocking | LinuxNoFollow | LinuxNoCtty | LinuxCloseOnExec);
        if (fd < 0) throw OpenFailed(Marshal.GetLastPInvokeError(), LinuxLoop, shownPath);
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        // Non-blocking was for the open only: writes wait for a slow reader as they would on any pipe.
        var flags = Fcntl(fd, GetFlags, 0);
        if (flags < 0 || Fcntl(fd, SetFlags, flags & ~LinuxNonBlocking) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: fcntl failed (errno {errno})", shownPath);
        }
        return handle;
    }

    /// <summary>
    /// Where fcntl's variadic argument cannot be passed safely (macOS arm64), a non-blocking open proves a reader is
    /// there and stays open while a plain blocking open, which then returns at once, gives the handle to write.
    /// </summary>
    private static SafeFileHandle ProbedOpen(string fullPath, string shownPath, int probeFlags, int loopErrno)
    {
        var fd = Open(fullPath, probeFlags);
        if (fd < 0) throw OpenFailed(Marshal.GetLastPInvokeError(), loopErrno, shownPath);
        using var probe = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            return File.OpenHandle(fullPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: {e.Message}", shownPath);
        }
    }

    private static CodesignException OpenFailed(int errno, int loopErrno, string shownPath)
    {
        if (errno == NoReader) return new CodesignException(ErrorCodes.OutputFifoNoReader, "cannot write: the output is a FIFO that no process is reading", shownPath);
        if (errno == loopErrno) return new CodesignException(ErrorCodes.OutputSpecialFile, "cannot write: the output became a symbolic link; links are never followed", shownPath);
        return new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot open the output for writing (errno {errno})", shownPath);
    }
}
