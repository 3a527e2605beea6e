using System.Runtime.InteropServices;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// A path with every symbolic link on the way resolved (realpath of the longest part that exists, the rest appended),
/// so "is this input inside that output folder" cannot be dodged by reaching one of them through a link.
/// </summary>
public static partial class RealPaths
{
    public static string Of(string fullPath)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return Path.TrimEndingDirectorySeparator(fullPath);
        var rest = new Stack<string>();
        var existing = Path.TrimEndingDirectorySeparator(fullPath);
        while (true)
        {
            if (Resolve(existing) is { } real)
            {
                return rest.Aggregate(real, Path.Combine);
            }
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) return Path.TrimEndingDirectorySeparator(fullPath);
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr NativeRealPath(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr pointer);

    private static string? Resolve(string path)
    {
        var result = NativeRealPath(path, IntPtr.Zero);
        if (result == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(result);
        }
        finally
        {
            Free(result);
        }
    }
}
