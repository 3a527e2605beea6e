using System.Text;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>The points of a commit a test can stop at (<see cref="OutputFolderOptions.AfterStep"/>).</summary>
public enum OutputStep
{
    /// <summary>The new set is complete in the staging folder, its manifest written; the output folder is untouched.</summary>
    Staged,

    /// <summary>The new set has the output folder's name; the old set is under the staging name (or, forced, is partly replaced).</summary>
    Swapped,

    /// <summary>The old set's files are deleted.</summary>
    OldSetRemoved,
}

/// <summary>How an <see cref="OutputFolder"/> commits; the defaults are what the compiler uses.</summary>
public sealed record OutputFolderOptions
{
    public static OutputFolderOptions Default { get; } = new();

    /// <summary>Called after each step of a commit; a test throws here to stop a commit at that point.</summary>
    public Action<OutputStep>? AfterStep { get; init; }

    /// <summary>
    /// Whether a failed run removes its staging folder (or the swapped-out old set) on Dispose. A test sets false to
    /// leave exactly what a killed run leaves, for the next run to clean.
    /// </summary>
    public bool CleanUpAfterFailure { get; init; } = true;
}

/// <summary>
/// Writes a set of outputs as one. Files go into a staging folder beside the output folder (<see cref="OwnedFolders"/>),
/// each name recorded in the staging manifest before the file is written. When the set is complete its name and the
/// output folder's are exchanged in one rename (renameat2 RENAME_EXCHANGE), so a kill at any point leaves either the old
/// or the new complete set under the output folder's name; the old set, now under the staging name, is then deleted by
/// its own manifest. A folder claimed with --force holding entries the compiler did not write is instead updated file by
/// file, replacing and deleting only what its manifest lists. Leftovers of interrupted runs are cleaned first.
/// </summary>
public sealed class OutputFolder : IDisposable
{
    private readonly OutputClaim _claim;
    private readonly OutputFolderOptions _options;
    private readonly List<string> _names = [];
    private readonly FileStream _manifest;
    private string? _swappedOut;
    private bool _committed;

    public OutputFolder(OutputClaim claim, OutputFolderOptions? options = null)
    {
        _claim = claim;
        _options = options ?? OutputFolderOptions.Default;
        Staging = OwnedFolders.NewName(claim.Folder);
        try
        {
            OwnedFolders.RemoveLeftovers(claim.Folder);
            Directory.CreateDirectory(Staging);
            // Held exclusively for the whole run: the next run's leftover cleaning leaves a locked staging folder alone.
            _manifest = new FileStream(Path.Combine(Staging, OutputManifest.FileName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: {e.Message}", claim.Shown);
        }
    }

    /// <summary>The folder outputs are written into before they take their place.</summary>
    public string Staging { get; }

    /// <summary>
    /// Where to write the output <paramref name="name"/> (a file name, or a path with '/' inside the folder); the name
    /// and any folder it is in are recorded first, so a kill cannot orphan them.
    /// </summary>
    public string File(string name)
    {
        EnsureParents(name);
        Record(name);
        return OwnedFolders.PathOf(Staging, name);
    }

    /// <summary>A model output: its name and that of the data file ModelSaver may write beside it.</summary>
    public string ModelFile(string name)
    {
        EnsureParents(name);
        Record(name);
        Record(name + ".data");
        return OwnedFolders.PathOf(Staging, name);
    }

    /// <summary>A folder of the output (<c>triton/jetson-tx2/part0/1</c>), made now with the folders it is in; returns its staging path.</summary>
    public string Folder(string path)
    {
        var entry = path.TrimEnd('/') + "/";
        EnsureParents(entry);
        if (!_names.Contains(entry, StringComparer.Ordinal)) MakeFolder(entry);
        return OwnedFolders.PathOf(Staging, entry);
    }

    private void EnsureParents(string entry)
    {
        if (OutputManifest.Parent(entry) is not { } parent || _names.Contains(parent, StringComparer.Ordinal)) return;
        EnsureParents(parent);
        MakeFolder(parent);
    }

    private void MakeFolder(string entry)
    {
        Record(entry);
        try
        {
            Directory.CreateDirectory(OwnedFolders.PathOf(Staging, entry));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: {e.Message}", _claim.Shown);
        }
    }

    /// <summary>Puts the staged set in place of the output folder's; returns folders left behind because they held foreign entries.</summary>
    public IReadOnlyList<string> Commit()
    {
        var names = _names.Where(n => FileKinds.Of(OwnedFolders.PathOf(Staging, n)) == (OutputManifest.IsFolder(n) ? FileKind.Directory : FileKind.Regular)).ToList();
        try
        {
            WriteOwnManifest(names);
            Step(OutputStep.Staged);
            return _claim.Forced ? CommitFileByFile(names) : CommitBySwap();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: {e.Message}", _claim.Shown);
        }
    }

    public void Dispose()
    {
        if (_options.CleanUpAfterFailure)
        {
            if (!_committed) OwnedFolders.Empty(Staging, _names, Path.Combine(Staging, OutputManifest.FileName));
            else if (_swappedOut is not null) OwnedFolders.Empty(_swappedOut);
        }
        _manifest.Dispose();
    }

    private IReadOnlyList<string> CommitBySwap()
    {
        var final = _claim.Folder;
        if (_claim.Existing is null)
        {
            if (!DirectorySwap.MoveIfAbsent(Staging, final)) throw Changed("appeared");
            _committed = true;
            Step(OutputStep.Swapped);
            Step(OutputStep.OldSetRemoved);
            return [];
        }
        // The claim was made before the work; the folder must still be the compiler's alone.
        if (FileKinds.Of(final) != FileKind.Directory || OutputManifest.Read(final) is not { } old || OutputClaim.ForeignEntries(final, old).Count > 0)
        {
            throw Changed("changed");
        }
        DirectorySwap.Exchange(Staging, final, OwnedFolders.NewName(final));
        (_committed, _swappedOut) = (true, Staging);
        Step(OutputStep.Swapped);
        var removed = OwnedFolders.Empty(Staging);
        _swappedOut = null;
        Step(OutputStep.OldSetRemoved);
        return removed ? [] : [Staging];
    }

    private IReadOnlyList<string> CommitFileByFile(List<string> names)
    {
        var final = _claim.Folder;
        var old = FileKinds.Of(final) == FileKind.Directory ? OutputManifest.Read(final) ?? OutputManifest.Empty : throw Changed("changed");
        var clash = names.FirstOrDefault(n => !old.Lists(n) && FileKinds.Of(OwnedFolders.PathOf(final, n)) != FileKind.Missing);
        if (clash is not null) throw Changed($"gained '{clash}'");
        // While files move, the manifest lists both sets, so a kill never leaves one of ours unlisted.
        var manifest = Path.Combine(final, OutputManifest.FileName);
        AtomicFile.WriteText(manifest, new OutputManifest(old.Names.Union(names, StringComparer.Ordinal).ToList()).Text);
        // Folders come before what they hold, so each entry's folders are real ones of ours by the time it moves.
        foreach (var name in names)
        {
            var (from, to) = (OwnedFolders.PathOf(Staging, name), OwnedFolders.PathOf(final, name));
            if (!OwnedFolders.UnderRealFolders(final, name)) throw Changed($"gained a link in the way of '{name}'");
            if (OutputManifest.IsFolder(name)) MakeFolderAt(to, name, old);
            else if (old.Lists(name)) AtomicFile.Commit(from, to);
            else if (!DirectorySwap.MoveFileIfAbsent(from, to)) throw Changed($"gained '{name}'");
        }
        _committed = true;
        Step(OutputStep.Swapped);
        foreach (var name in OwnedFolders.DeletionOrder(old.Names.Except(names, StringComparer.Ordinal))) OwnedFolders.DeleteOwnEntry(final, name);
        AtomicFile.WriteText(manifest, new OutputManifest(names).Text);
        OwnedFolders.Empty(Staging, names.Where(OutputManifest.IsFolder), Path.Combine(Staging, OutputManifest.FileName));
        Step(OutputStep.OldSetRemoved);
        return [];
    }

    /// <summary>A folder of ours at the final place: kept when the old set made it, made when nothing is there.</summary>
    private void MakeFolderAt(string path, string name, OutputManifest old)
    {
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Directory && old.Lists(name)) return;
        if (kind != FileKind.Missing) throw Changed($"gained '{name}'");
        Directory.CreateDirectory(path);
        if (FileKinds.Of(path) != FileKind.Directory) throw Changed($"gained '{name}'");
    }

    private void Record(string name)
    {
        if (!OutputManifest.IsEntry(name) || _names.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a new file or folder name inside the folder", nameof(name));
        }
        _names.Add(name);
        _manifest.Write(Encoding.UTF8.GetBytes(name + "\n"));
        _manifest.Flush();
    }

    private void WriteOwnManifest(List<string> names)
    {
        _manifest.SetLength(0);
        _manifest.Position = 0;
        _manifest.Write(Encoding.UTF8.GetBytes(new OutputManifest(names).Text));
        _manifest.Flush(flushToDisk: true);
    }

    private void Step(OutputStep step) => _options.AfterStep?.Invoke(step);

    private CodesignException Changed(string how) =>
        new(ErrorCodes.OutputFolderNotOurs, $"the output folder {how} while the compiler worked; nothing of it was replaced", _claim.Shown);
}
