using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>What a file handle or a name in a folder is, as the OS tells it (no following of a final link for names).</summary>
internal enum NodeType { Regular, Directory, SymbolicLink, Fifo, CharacterDevice, BlockDevice, Socket, Unknown }

/// <summary>The type, hard-link count and size of one file.</summary>
internal readonly record struct NodeStatus(NodeType Type, long Links, long Size);

/// <summary>
/// open/openat/statx on Linux, which .NET does not expose: .NET opens a FIFO without O_NONBLOCK (and so
/// blocks until a writer comes), always follows links, and cannot open a name relative to a folder handle.
/// With these, a file is opened once and everything checked about it is checked on the handle that is then
/// read, so nothing can be swapped between check and use. The open flags differ by architecture
/// (asm-generic vs x86); only the architectures listed are supported, elsewhere <see cref="Supported"/> is
/// false and callers fall back to checks by path.
/// </summary>
internal static partial class NativeFiles
{
    private const int ReadOnly = 0, NoControllingTerminal = 0x100, NonBlocking = 0x800, CloseOnExec = 0x80000;
    private const int AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxNlink = 0x4, StatxSize = 0x200;

    /// <summary>errno values the callers tell apart (the same on every Linux architecture supported).</summary>
    public const int NoSuchEntry = 2, NotADirectory = 20, TooManyLinks = 40;

    /// <summary>(O_DIRECTORY, O_NOFOLLOW) of this process's architecture, or null where they are not known here.</summary>
    private static readonly (int Directory, int NoFollow)? Flags = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => (0x10000, 0x20000),
        Architecture.Arm64 or Architecture.Arm or Architecture.RiscV64 or Architecture.LoongArch64 => (0x4000, 0x8000),
        _ => null,
    };

    /// <summary>Whether the handle-based checks are available (Linux on a known architecture).</summary>
    public static bool Supported => Flags is not null;

    /// <summary>Opens a path for reading without blocking on a FIFO (a final link is followed: the user named it).</summary>
    public static SafeFileHandle? Open(string path, out int errno) =>
        Wrap(NativeOpen(path, ReadOnly | NonBlocking | CloseOnExec | NoControllingTerminal), out errno);

    /// <summary>Opens a folder below <paramref name="folder"/> by one name, refusing a link (errno ELOOP) and anything but a folder.</summary>
    public static SafeFileHandle? OpenFolderAt(SafeFileHandle folder, string name, out int errno) =>
        At(folder, name, ReadOnly | Flags!.Value.Directory | Flags.Value.NoFollow | CloseOnExec, out errno);

    /// <summary>Opens a file below <paramref name="folder"/> by one name, refusing a link, without blocking on a FIFO.</summary>
    public static SafeFileHandle? OpenFileAt(SafeFileHandle folder, string name, out int errno) =>
        At(folder, name, ReadOnly | Flags!.Value.NoFollow | NonBlocking | CloseOnExec | NoControllingTerminal, out errno);

    /// <summary>Opens a folder by path (links on the way followed: a model's own folder is the user's business).</summary>
    public static SafeFileHandle? OpenFolder(string path, out int errno) =>
        Wrap(NativeOpen(path, ReadOnly | Flags!.Value.Directory | CloseOnExec), out errno);

    /// <summary>What the open handle is.</summary>
    public static NodeStatus Status(SafeFileHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Describe((int)handle.DangerousGetHandle(), "", AtEmptyPath) ?? throw new IOException($"statx failed on an open file (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>What one name in a folder is, not following a final link; null when it does not exist.</summary>
    public static NodeStatus? StatusAt(SafeFileHandle folder, string name, bool followLink)
    {
        var added = false;
        try
        {
            folder.DangerousAddRef(ref added);
            return Describe((int)folder.DangerousGetHandle(), name, followLink ? 0 : AtSymlinkNoFollow);
        }
        finally
        {
            if (added) folder.DangerousRelease();
        }
    }

    private static SafeFileHandle? At(SafeFileHandle folder, string name, int flags, out int errno)
    {
        var added = false;
        try
        {
            folder.DangerousAddRef(ref added);
            return Wrap(NativeOpenAt((int)folder.DangerousGetHandle(), name, flags), out errno);
        }
        finally
        {
            if (added) folder.DangerousRelease();
        }
    }

    /// <summary>
    /// Copies up to <paramref name="length"/> bytes from one file to another inside the kernel (copy_file_range),
    /// at the offsets given, leaving both handles' file positions alone: the bytes never pass through this
    /// process. Returns the count copied (0 at the end of <paramref name="from"/>), or -1 where the kernel, the
    /// C library or the pair of files does not support it (the caller then copies through a buffer).
    /// </summary>
    public static long CopyRange(SafeFileHandle from, long fromOffset, SafeFileHandle to, long toOffset, long length)
    {
        if (!Supported) return -1;
        bool fromAdded = false, toAdded = false;
        try
        {
            from.DangerousAddRef(ref fromAdded);
            to.DangerousAddRef(ref toAdded);
            // At most 1 GiB a call: the kernel caps one call a little under 2 GiB anyway.
            var n = CopyFileRange((int)from.DangerousGetHandle(), ref fromOffset, (int)to.DangerousGetHandle(), ref toOffset,
                (nuint)Math.Min(length, 1L << 30), 0);
            return n < 0 ? -1 : n;
        }
        catch (EntryPointNotFoundException)
        {
            return -1; // a C library older than glibc 2.27
        }
        finally
        {
            if (toAdded) to.DangerousRelease();
            if (fromAdded) from.DangerousRelease();
        }
    }

    private static SafeFileHandle? Wrap(int fd, out int errno)
    {
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    private static NodeStatus? Describe(int dirfd, string path, int flags)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(dirfd, path, flags, StatxType | StatxMode | StatxNlink | StatxSize, buffer) != 0) return null;
        // struct statx { u32 mask; u32 blksize; u64 attributes; u32 nlink (16); u32 uid; u32 gid; u16 mode (28);
        //                u16 pad; u64 ino; u64 size (40); ... }: the same layout on every architecture.
        var links = BitConverter.ToUInt32(buffer[16..20]);
        var mode = BitConverter.ToUInt16(buffer[28..30]);
        var size = BitConverter.ToInt64(buffer[40..48]);
        var type = (mode & 0xF000) switch
        {
            0x8000 => NodeType.Regular,
            0x4000 => NodeType.Directory,
            0xA000 => NodeType.SymbolicLink,
            0x1000 => NodeType.Fifo,
            0x2000 => NodeType.CharacterDevice,
            0x6000 => NodeType.BlockDevice,
            0xC000 => NodeType.Socket,
            _ => NodeType.Unknown,
        };
        return new NodeStatus(type, links, size);
    }

    /// <summary>"a FIFO", "a character device", …: for messages.</summary>
    public static string Describe(NodeType type) => type switch
    {
        NodeType.Regular => "a regular file",
        NodeType.Directory => "a directory",
        NodeType.SymbolicLink => "a symbolic link",
        NodeType.Fifo => "a FIFO (named pipe)",
        NodeType.CharacterDevice => "a character device",
        NodeType.BlockDevice => "a block device",
        NodeType.Socket => "a socket",
        _ => "not a regular file",
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeOpenAt(int dirfd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRange(int fdIn, ref long offIn, int fdOut, ref long offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);
}
