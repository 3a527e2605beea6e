using System.Runtime.InteropServices;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// The hard-link count and file type of a path (not following a final symbolic link). .NET exposes symbolic
/// links but not st_nlink or st_mode, so this asks the OS: statx on Linux (its layout is the same on every
/// architecture), lstat on macOS.
/// </summary>
internal static partial class FileLinks
{
    /// <summary>Links: how many names the file has. IsRegularFile: false for FIFOs, devices, sockets, folders and links.</summary>
    public static (long Links, bool IsRegularFile) Describe(string path)
    {
        if (OperatingSystem.IsLinux()) return LinuxDescribe(path);
        if (OperatingSystem.IsMacOS()) return MacDescribe(path);
        return (1, File.Exists(path) && (File.GetAttributes(path) & (FileAttributes.Directory | FileAttributes.ReparsePoint | FileAttributes.Device)) == 0);
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxNlink = 0x4;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    private static (long, bool) LinuxDescribe(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxNlink, buffer) != 0)
        {
            throw new IOException($"statx failed for '{path}' (errno {Marshal.GetLastPInvokeError()})");
        }
        // struct statx { __u32 stx_mask; __u32 stx_blksize; __u64 stx_attributes; __u32 stx_nlink; __u32 stx_uid;
        //                __u32 stx_gid; __u16 stx_mode; ... }
        var links = BitConverter.ToUInt32(buffer[16..20]);
        var mode = BitConverter.ToUInt16(buffer[28..30]);
        return (links, (mode & FileTypeMask) == RegularFile);
    }

    // arm64 has only the 64-bit-inode lstat; on x64 plain "lstat" is the legacy one with a different layout.
    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MacLstat(string path, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "lstat$INODE64", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MacLstatInode64(string path, Span<byte> buffer);

    private static (long, bool) MacDescribe(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        var status = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? MacLstatInode64(path, buffer) : MacLstat(path, buffer);
        if (status != 0)
        {
            throw new IOException($"lstat failed for '{path}' (errno {Marshal.GetLastPInvokeError()})");
        }
        // Darwin struct stat (64-bit inodes) { dev_t st_dev (4); mode_t st_mode (2); nlink_t st_nlink (2); ... }
        var mode = BitConverter.ToUInt16(buffer[4..6]);
        var links = BitConverter.ToUInt16(buffer[6..8]);
        return (links, (mode & FileTypeMask) == RegularFile);
    }
}
