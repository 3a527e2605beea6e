using System.Text.RegularExpressions;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Writes one output file. A regular file (or a new one) is written under a temporary name in the destination folder
/// and renamed into place, so a reader never sees half a file and a failed run leaves the old file as it was. A FIFO
/// or device is written through, never replaced (<see cref="DeviceFileWriter"/>); a symbolic link, socket or folder is
/// refused. Temporary files carry a name only this class gives (<c>.NAME.GUID.codesign-tmp</c>), so those a killed
/// run left are recognised and removed by the next write of the same file, and nothing else ever is.
/// </summary>
public static partial class AtomicFile
{
    public const string TempSuffix = ".codesign-tmp";

    public static void Write(string path, Action<Stream> write) => Write(path, write, null);

    /// <summary>As <see cref="Write(string, Action{Stream})"/>; on Unix a regular file is created with <paramref name="unixMode"/> (less the umask), before the rename, so it never exists without it (a script's exec bit).</summary>
    public static void Write(string path, Action<Stream> write, UnixFileMode? unixMode)
    {
        var full = FullPath(path);
        var kind = FileKinds.Of(full);
        if (kind is FileKind.Fifo or FileKind.CharacterDevice or FileKind.BlockDevice)
        {
            DeviceFileWriter.Write(full, write, path);
            return;
        }
        RequireReplaceable(full, kind, path);
        RemoveLeftovers(full);
        var temp = WriteTemp(path, write, unixMode);
        try
        {
            Commit(temp, full);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Writes the whole file under a temporary name beside <paramref name="path"/>; returns that name.</summary>
    public static string WriteTemp(string path, Action<Stream> write) => WriteTemp(path, write, null);

    private static string WriteTemp(string path, Action<Stream> write, UnixFileMode? unixMode)
    {
        var full = FullPath(path);
        var temp = TempNameFor(full);
        try
        {
            // FileShare.None holds an exclusive lock while the file is written: RemoveLeftovers skips a locked one.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
            if (unixMode is { } mode && !OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
            using var stream = new FileStream(temp, options);
            write(stream);
            stream.Flush(flushToDisk: false);
            return temp;
        }
        catch (DirectoryNotFoundException) when (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: the folder '{Path.GetDirectoryName(full)}' does not exist", path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: {e.Message}", path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Renames a finished temporary file to its final name, replacing a regular file there and nothing else.</summary>
    public static void Commit(string temp, string finalPath)
    {
        RequireReplaceable(finalPath, FileKinds.Of(finalPath), finalPath);
        try
        {
            File.Move(temp, finalPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: {e.Message}", finalPath);
        }
    }

    public static void WriteText(string path, string text) =>
        Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>A text file created with <paramref name="unixMode"/> on Unix (an executable script: 0755).</summary>
    public static void WriteText(string path, string text, UnixFileMode unixMode) =>
        Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)), unixMode);

    /// <summary>
    /// Refuses an output path that renaming would damage: a symbolic link, socket or folder is never replaced. Used
    /// where an output must become a regular file (a model with a data file beside it cannot go through a FIFO).
    /// </summary>
    public static void RequireRegularTarget(string path)
    {
        var full = FullPath(path);
        RequireReplaceable(full, FileKinds.Of(full), path);
    }

    /// <summary>The absolute path of an output; an empty one is refused with a code, not an ArgumentException.</summary>
    public static string FullPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CodesignException(ErrorCodes.OutputPathInvalid, "the output path is empty");
        return Path.GetFullPath(path);
    }

    /// <summary>A hidden name beside the destination, so the final rename stays on one file system.</summary>
    public static string TempNameFor(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}{TempSuffix}");

    /// <summary>
    /// Deletes the temporary files an interrupted write of <paramref name="fullPath"/> left beside it: regular files
    /// named exactly as <see cref="TempNameFor"/> names them and not locked by a write in progress. Returns how many.
    /// </summary>
    public static int RemoveLeftovers(string fullPath)
    {
        var folder = Path.GetDirectoryName(fullPath);
        if (folder is null || !Directory.Exists(folder)) return 0;
        var name = Path.GetFileName(fullPath);
        var removed = 0;
        foreach (var entry in Directory.EnumerateFiles(folder, $".{EscapeWildcards(name)}.*{TempSuffix}"))
        {
            if (!IsTempNameOf(Path.GetFileName(entry), name) || FileKinds.Of(entry) != FileKind.Regular) continue;
            if (TryDeleteUnlocked(entry)) removed++;
        }
        return removed;
    }

    /// <summary>Whether <paramref name="entry"/> is a temporary name <see cref="TempNameFor"/> gives <paramref name="name"/>.</summary>
    public static bool IsTempNameOf(string entry, string name) =>
        entry.Length == name.Length + 1 + 1 + 32 + TempSuffix.Length
        && entry.StartsWith("." + name + ".", StringComparison.Ordinal)
        && entry.EndsWith(TempSuffix, StringComparison.Ordinal)
        && GuidHex().IsMatch(entry.AsSpan(name.Length + 2, 32));

    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void RequireReplaceable(string full, FileKind kind, string shown)
    {
        if (kind is FileKind.Missing or FileKind.Regular) return;
        var advice = kind == FileKind.SymbolicLink ? "; links are never followed or replaced (use - for stdout)" : "";
        throw new CodesignException(ErrorCodes.OutputSpecialFile, $"cannot write: the output '{Path.GetFileName(full)}' is {FileKinds.Describe(kind)}{advice}", shown);
    }

    // The exclusive lock a writer holds makes the open fail while its write is in progress.
    private static bool TryDeleteUnlocked(string path)
    {
        try
        {
            using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None)) { }
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // Enumeration patterns treat only * and ? specially; a name holding them is matched by IsTempNameOf alone.
    private static string EscapeWildcards(string name) => name.Contains('*') || name.Contains('?') ? "*" : name;

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex GuidHex();
}
