using System.Runtime.InteropServices;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// The renames an output set is committed with. On Linux renameat2 exchanges two folders in one step
/// (RENAME_EXCHANGE) and moves a folder only where nothing is (RENAME_NOREPLACE); macOS has the same in renamex_np
/// (RENAME_SWAP, RENAME_EXCL). Elsewhere, or on a file system that does not support the flags, an exchange falls
/// back to two renames, undone if the second fails: only a kill between them can then leave the set aside.
/// </summary>
public static partial class DirectorySwap
{
    private const int AtFdCwd = -100;
    private const uint LinuxNoReplace = 1, LinuxExchange = 2;
    private const uint MacSwap = 2, MacExclusive = 4;
    private const int Exists = 17; // EEXIST on Linux and macOS
    private const int Unsupported = 22, NoSys = 38, MacNotSupported = 45, MacNoSys = 78; // EINVAL, ENOSYS, ENOTSUP, ENOSYS

    /// <summary>Swaps the names of two existing folders; <paramref name="aside"/> is a free name the fallback may use.</summary>
    public static void Exchange(string a, string b, string aside)
    {
        if (Native(a, b, OperatingSystem.IsLinux() ? LinuxExchange : MacSwap) is not { } errno) return;
        if (!IsUnsupported(errno)) throw new IOException($"cannot exchange '{a}' and '{b}' (errno {errno})");
        Directory.Move(b, aside);
        try
        {
            Directory.Move(a, b);
        }
        catch
        {
            Directory.Move(aside, b);
            throw;
        }
        Directory.Move(aside, a);
    }

    /// <summary>Renames a folder to a name where nothing is; false when something is there already.</summary>
    public static bool MoveIfAbsent(string from, string to)
    {
        if (Native(from, to, OperatingSystem.IsLinux() ? LinuxNoReplace : MacExclusive) is not { } errno) return true;
        if (errno == Exists) return false;
        if (!IsUnsupported(errno)) throw new IOException($"cannot rename '{from}' to '{to}' (errno {errno})");
        if (Directory.Exists(to) || File.Exists(to)) return false;
        Directory.Move(from, to);
        return true;
    }

    /// <summary>Renames a regular file where nothing is; false when something is there already.</summary>
    public static bool MoveFileIfAbsent(string from, string to)
    {
        if (Native(from, to, OperatingSystem.IsLinux() ? LinuxNoReplace : MacExclusive) is not { } errno) return true;
        if (errno == Exists) return false;
        if (!IsUnsupported(errno)) throw new IOException($"cannot rename '{from}' to '{to}' (errno {errno})");
        try
        {
            File.Move(from, to, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(to) || Directory.Exists(to))
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDir, string oldPath, int newDir, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "renamex_np", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameXNp(string from, string to, uint flags);

    /// <summary>null on success, else errno; ENOSYS where the call does not exist at all.</summary>
    private static int? Native(string from, string to, uint flags)
    {
        try
        {
            var status = OperatingSystem.IsLinux() ? RenameAt2(AtFdCwd, from, AtFdCwd, to, flags)
                : OperatingSystem.IsMacOS() ? RenameXNp(from, to, flags)
                : -2;
            if (status == -2) return NoSys;
            return status == 0 ? null : Marshal.GetLastPInvokeError();
        }
        catch (EntryPointNotFoundException)
        {
            return NoSys;
        }
    }

    private static bool IsUnsupported(int errno) => errno is Unsupported or NoSys or MacNotSupported or MacNoSys;
}
