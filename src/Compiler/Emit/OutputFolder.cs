using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>
/// Writes a set of outputs as one: everything goes into a hidden sibling folder first, and only when the
/// whole set is there does it take the output folder's name. An existing output folder keeps its old
/// contents until then, and a failure leaves it as it was.
/// </summary>
public sealed class OutputFolder : IDisposable
{
    private readonly string _final;
    private bool _committed;

    public OutputFolder(string path)
    {
        // "out/" and "out" are the same folder; without the separator the backup name lands beside it, not inside.
        _final = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var parent = Path.GetDirectoryName(_final)!;
        if (!Directory.Exists(parent))
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: the folder '{parent}' does not exist", path);
        }
        if (System.IO.File.Exists(_final)) throw new CodesignException(ErrorCodes.OutputWriteFailed, "cannot write: a file has the output folder's name", path);
        Staging = Path.Combine(parent, $".{Path.GetFileName(_final)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(Staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: {e.Message}", path);
        }
    }

    /// <summary>The folder outputs are written into before they take their place.</summary>
    public string Staging { get; }

    public string File(string name) => Path.Combine(Staging, name);

    /// <summary>Puts the staged set in place of the output folder.</summary>
    public void Commit()
    {
        var old = Directory.Exists(_final) ? Path.Combine(Path.GetDirectoryName(_final)!, $".{Path.GetFileName(_final)}.{Guid.NewGuid():N}.old") : null;
        try
        {
            if (old is not null) Directory.Move(_final, old);
            Directory.Move(Staging, _final);
            _committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (old is not null && !Directory.Exists(_final)) Directory.Move(old, _final);
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: {e.Message}", _final);
        }
        if (old is not null) TryDelete(old);
    }

    public void Dispose()
    {
        if (!_committed) TryDelete(Staging);
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
