using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Writes a file under a temporary name in the destination folder, then renames it into place, so a
/// reader never sees half a file and a failed run leaves the old file as it was.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var temp = WriteTemp(path, write);
        try
        {
            Commit(temp, Path.GetFullPath(path));
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Writes the whole file under a temporary name beside <paramref name="path"/>; returns that name.</summary>
    public static string WriteTemp(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var temp = TempNameFor(full);
        try
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
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

    /// <summary>Renames a finished temporary file to its final name, replacing what was there.</summary>
    public static void Commit(string temp, string finalPath)
    {
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

    /// <summary>A hidden name beside the destination, so the final rename stays on one file system.</summary>
    public static string TempNameFor(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");

    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
