namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>
/// Every entry under a folder with its size and write time, to tell what a command left behind: a command that
/// fails must leave the folder as it found it (no partial output, no temporary files beside the output).
/// </summary>
public sealed class FolderSnapshot
{
    private readonly string _root;
    private readonly Dictionary<string, (long Size, DateTime Written)> _entries;

    private FolderSnapshot(string root, Dictionary<string, (long, DateTime)> entries)
    {
        _root = root;
        _entries = entries;
    }

    public static FolderSnapshot Take(string root)
    {
        var entries = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            long size = info is FileInfo f && info.LinkTarget is null ? f.Length : -1;
            entries[Path.GetRelativePath(root, info.FullName)] = (size, info.LastWriteTimeUtc);
        }
        return new FolderSnapshot(root, entries);
    }

    /// <summary>Entries that are new or changed since this snapshot, relative, sorted.</summary>
    public IReadOnlyList<string> ChangedSince()
    {
        var now = Take(_root)._entries;
        return now.Where(e => !_entries.TryGetValue(e.Key, out var before) || before != e.Value)
            .Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
    }
}
