using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>What a path names, without following a final symbolic link.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}

/// <summary>
/// The file type of a path (lstat semantics) or of an open handle (fstat), which .NET does not expose: a FIFO, a
/// device and a socket all look like "a file that exists" to File.Exists. Outputs use it to write through a device or
/// FIFO and to refuse a link instead of renaming over it. statx on Linux (its layout is the same on every architecture),
/// lstat/fstat on macOS, the file attributes elsewhere.
/// </summary>
public static partial class FileKinds
{
    public static FileKind Of(string path)
    {
        if (OperatingSystem.IsLinux()) return LinuxKind(AtFdCwd, path, AtSymlinkNoFollow, path);
        if (OperatingSystem.IsMacOS()) return MacKind(path);
        return AttributeKind(path);
    }

    /// <summary>The kind of the file an open handle refers to (the handle, not whatever the path names now).</summary>
    public static FileKind Of(SafeFileHandle handle)
    {
        var fd = (int)handle.DangerousGetHandle();
        if (OperatingSystem.IsLinux()) return LinuxKind(fd, "", AtEmptyPath, $"fd {fd}");
        if (OperatingSystem.IsMacOS()) return MacHandleKind(fd);
        return FileKind.Regular;
    }

    /// <summary>"a FIFO", "a symbolic link", … for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "nothing",
        FileKind.Regular => "a file",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a FIFO",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        _ => "a socket",
    };

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int NoSuchFile = 2;
    private const int NotADirectory = 20;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    private static FileKind LinuxKind(int dirfd, string path, int flags, string what)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(dirfd, path, flags, StatxType, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is NoSuchFile or NotADirectory) return FileKind.Missing;
            throw new IOException($"statx failed for '{what}' (errno {errno})");
        }
        // struct statx { __u32 stx_mask; __u32 stx_blksize; __u64 stx_attributes; __u32 stx_nlink; __u32 stx_uid;
        //                __u32 stx_gid; __u16 stx_mode; ... }
        return FromMode(BitConverter.ToUInt16(buffer[28..30]));
    }

    // See FileLinks: arm64 has only the 64-bit-inode lstat; on x64 plain "lstat" is the legacy layout.
    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MacLstat(string path, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "lstat$INODE64", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MacLstatInode64(string path, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int MacFstat(int fd, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "fstat$INODE64", SetLastError = true)]
    private static partial int MacFstatInode64(int fd, Span<byte> buffer);

    private static FileKind MacKind(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        var status = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? MacLstatInode64(path, buffer) : MacLstat(path, buffer);
        if (status != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is NoSuchFile or NotADirectory) return FileKind.Missing;
            throw new IOException($"lstat failed for '{path}' (errno {errno})");
        }
        // Darwin struct stat (64-bit inodes) { dev_t st_dev (4); mode_t st_mode (2); ... }
        return FromMode(BitConverter.ToUInt16(buffer[4..6]));
    }

    private static FileKind MacHandleKind(int fd)
    {
        Span<byte> buffer = stackalloc byte[256];
        var status = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? MacFstatInode64(fd, buffer) : MacFstat(fd, buffer);
        if (status != 0) throw new IOException($"fstat failed for fd {fd} (errno {Marshal.GetLastPInvokeError()})");
        return FromMode(BitConverter.ToUInt16(buffer[4..6]));
    }

    private static FileKind FromMode(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0xA000 => FileKind.SymbolicLink,
        0x1000 => FileKind.Fifo,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        _ => FileKind.Socket,
    };

    private static FileKind AttributeKind(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            info = new DirectoryInfo(path);
            if (!info.Exists) return FileKind.Missing;
        }
        if (info.LinkTarget is not null) return FileKind.SymbolicLink;
        if ((info.Attributes & FileAttributes.Directory) != 0) return FileKind.Directory;
        return (info.Attributes & FileAttributes.Device) != 0 ? FileKind.CharacterDevice : FileKind.Regular;
    }
}
