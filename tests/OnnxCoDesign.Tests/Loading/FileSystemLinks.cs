using System.Runtime.InteropServices;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>What .NET cannot make by itself: hard links and named pipes (POSIX only).</summary>
internal static class FileSystemLinks
{
    public static void CreateHardLink(string existing, string link)
    {
        if (NativeLink(existing, link) != 0) throw new IOException($"link('{existing}', '{link}') failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void CreateFifo(string path)
    {
        if (NativeMkfifo(path, Convert.ToUInt32("644", 8)) != 0) throw new IOException($"mkfifo('{path}') failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int NativeLink(string existing, string link);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int NativeMkfifo(string path, uint mode);
}
