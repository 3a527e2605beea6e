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

    /// <summary>Where to write the output <paramref name="name"/>; the name is recorded first, so a kill cannot orphan it.</summary>
    public string File(string name)
    {
        Record(name);
        return Path.Combine(Staging, name);
    }

    /// <summary>A model output: its name and that of the data file ModelSaver may write beside it.</summary>
    public string ModelFile(string name)
    {
        Record(name);
        Record(name + ".data");
        return Path.Combine(Staging, name);
    }

    /// <summary>Puts the staged set in place of the output folder's; returns folders left behind because they held foreign entries.</summary>
    public IReadOnlyList<string> Commit()
    {
        var names = _names.Where(n => FileKinds.Of(Path.Combine(Staging, n)) == FileKind.Regular).ToList();
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
        var clash = names.FirstOrDefault(n => !old.Lists(n) && FileKinds.Of(Path.Combine(final, n)) != FileKind.Missing);
        if (clash is not null) throw Changed($"gained '{clash}'");
        // While files move, the manifest lists both sets, so a kill never leaves one of ours unlisted.
        var manifest = Path.Combine(final, OutputManifest.FileName);
        AtomicFile.WriteText(manifest, new OutputManifest(old.Names.Union(names, StringComparer.Ordinal).ToList()).Text);
        foreach (var name in names)
        {
            var (from, to) = (Path.Combine(Staging, name), Path.Combine(final, name));
            if (old.Lists(name)) AtomicFile.Commit(from, to);
            else if (!DirectorySwap.MoveFileIfAbsent(from, to)) throw Changed($"gained '{name}'");
        }
        _committed = true;
        Step(OutputStep.Swapped);
        foreach (var name in old.Names.Except(names, StringComparer.Ordinal)) OwnedFolders.DeleteOwnFile(Path.Combine(final, name));
        AtomicFile.WriteText(manifest, new OutputManifest(names).Text);
        OwnedFolders.Empty(Staging, [], Path.Combine(Staging, OutputManifest.FileName));
        Step(OutputStep.OldSetRemoved);
        return [];
    }

    private void Record(string name)
    {
        if (!OutputManifest.IsPlainName(name) || _names.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a new plain file name", nameof(name));
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
