using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace OnnxCoDesign.MSBuild.Tasks;

/// <summary>
/// `dotnet clean` for OnnxModel outputs: deletes only what the compiler lists in each output folder's manifest
/// (<c>.codesign-manifest</c>, one entry per line: a file name, a file in a folder the compiler made such as
/// <c>triton/jetson-tx2/part0/config.pbtxt</c>, or that folder itself with a trailing '/', listed before what it holds;
/// the compiler's OutputManifest defines the format), then the manifest, then the folder if nothing else is left in it.
/// Files go first, each only where every folder above it is a real folder (never through a link); the listed folders
/// then go deepest first, each only when empty. A folder without a manifest, or whose manifest lists anything else, is
/// left as it is: the compiler did not write it, and a clean never deletes what the build did not make. Then the
/// folders that held the copies of <see cref="CopiedFiles"/> (every folder of each one's path under
/// <see cref="CopiedUnder"/>, deepest first) and each of <see cref="EmptyFolders"/> are removed where empty.
/// Two inner builds of a multi-targeted project may clean at once: a file or folder already gone is not an error.
/// </summary>
public sealed class CodesignClean : Microsoft.Build.Utilities.Task
{
    /// <summary>The compiler's manifest file name (OutputManifest.FileName in the compiler).</summary>
    public const string ManifestName = ".codesign-manifest";

    /// <summary>The compiler's code for a manifest it did not write (OCD1409), here a warning.</summary>
    public const string ManifestMalformed = "OCD1409";

    /// <summary>The OutputDir of each OnnxModel (none in an inner build of a multi-targeted project: its outer build cleans them).</summary>
    public ITaskItem[] OutputDirs { get; set; } = [];

    /// <summary>Folders the targets created, removed in this order when nothing is in them (innermost first).</summary>
    public ITaskItem[] EmptyFolders { get; set; } = [];

    /// <summary>
    /// The copies the build made, as paths relative to <see cref="CopiedUnder"/> ('/' or '\' between names), such as
    /// <c>codesign/net/triton/jetson-tx2/part0/config.pbtxt</c>: CoreClean deleted the files (they are FileWrites); every
    /// folder on their paths was made by the copy and is removed here, deepest first, when empty.
    /// </summary>
    public ITaskItem[] CopiedFiles { get; set; } = [];

    /// <summary>The folder <see cref="CopiedFiles"/> are relative to ($(OutDir)); never removed itself.</summary>
    public string? CopiedUnder { get; set; }

    /// <summary>The deepest entry a manifest may hold (the compiler's OutputManifest.MaxDepth).</summary>
    private const int MaxDepth = 8;

    public override bool Execute()
    {
        foreach (var item in OutputDirs) Clean(Path.GetFullPath(item.ItemSpec).TrimEnd('/', '\\'));
        if (CopiedUnder is { Length: > 0 } under)
        {
            var root = Path.GetFullPath(under);
            foreach (var folder in CopyFolders(CopiedFiles.Select(i => i.ItemSpec)))
            {
                if (UnderRealFolders(root, folder + "/")) RemoveIfEmpty(Path.Combine(root, folder));
            }
        }
        foreach (var item in EmptyFolders) RemoveIfEmpty(Path.GetFullPath(item.ItemSpec).TrimEnd('/', '\\'));
        return !Log.HasLoggedErrors;
    }

    /// <summary>Every folder on the relative paths (a/b/c.txt → a/b, a), deepest first; none of a path that is rooted or climbs out.</summary>
    private static IEnumerable<string> CopyFolders(IEnumerable<string> files)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var names = file.Split('/', '\\');
            if (Path.IsPathRooted(file) || names.Any(n => n is "" or "." or "..")) continue;
            for (var n = names.Length - 1; n > 0; n--) folders.Add(string.Join("/", names.Take(n)));
        }
        return folders.OrderByDescending(f => f.Count(c => c == '/')).ThenBy(f => f, StringComparer.Ordinal);
    }

    private static void RemoveIfEmpty(string folder)
    {
        try
        {
            if (IsRealFolder(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        }
        catch (IOException)
        {
            // Something came into it (another build), or it went already: either way it is not ours to remove now.
        }
    }

    private void Clean(string folder)
    {
        var manifest = Path.Combine(folder, ManifestName);
        if (!IsPlainFile(manifest))
        {
            if (Directory.Exists(folder)) Log.LogMessage(MessageImportance.Normal, "{0}: no {1}, so nothing in it is the compiler's; left as it is", folder, ManifestName);
            return;
        }
        string[] names;
        try
        {
            names = File.ReadAllLines(manifest);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return; // another clean of the same folder got there first
        }
        if (Malformed(names) is { } bad)
        {
            Log.LogWarning(null, ManifestMalformed, null, manifest, 0, 0, 0, 0, "the manifest lists '{0}', which the compiler never writes; the folder is left as it is", bad);
            return;
        }
        foreach (var name in names.Where(n => !IsFolderEntry(n)))
        {
            var path = Path.Combine(folder, name);
            if (UnderRealFolders(folder, name) && IsPlainFile(path)) DeleteFile(path);
        }
        foreach (var name in names.Where(IsFolderEntry).OrderByDescending(n => n.Count(c => c == '/')))
        {
            if (UnderRealFolders(folder, name)) RemoveIfEmpty(Path.Combine(folder, name.TrimEnd('/')));
        }
        DeleteFile(manifest);
        if (Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Log.LogMessage(MessageImportance.High, "{0}: the compiler's files are deleted; the folder holds others and is left in place", folder);
            return;
        }
        RemoveIfEmpty(folder);
    }

    // File.Delete of a missing file is no error; of a file in a folder that went meanwhile, it is.
    private static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    // A regular file, not a link (a link is never followed, nor deleted: the compiler writes none) and not a folder.
    private static bool IsPlainFile(string path) =>
        File.Exists(path) && (File.GetAttributes(path) & (FileAttributes.ReparsePoint | FileAttributes.Directory)) == 0;

    private static bool IsRealFolder(string path) =>
        Directory.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReparsePoint) == 0;

    // Every folder an entry lies in, below the output folder, is a real folder: a clean never reaches through a link.
    private static bool UnderRealFolders(string folder, string entry)
    {
        var names = entry.TrimEnd('/').Split('/');
        var path = folder;
        for (var i = 0; i < names.Length - 1; i++)
        {
            path = Path.Combine(path, names[i]);
            if (!IsRealFolder(path)) return false;
        }
        return true;
    }

    private static bool IsFolderEntry(string entry) => entry.EndsWith("/", StringComparison.Ordinal);

    /// <summary>The first entry the compiler never writes (as its OutputManifest.Parse refuses), or null when all are its own.</summary>
    private static string? Malformed(IReadOnlyList<string> entries)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var names = (IsFolderEntry(entry) ? entry.Substring(0, entry.Length - 1) : entry).Split('/');
            if (names.Length > MaxDepth || !names.All(IsPlainName)) return entry;
            var slash = entry.TrimEnd('/').LastIndexOf('/');
            if (slash >= 0 && !seen.Contains(entry.Substring(0, slash + 1))) return entry; // its folder is not listed before it
            if (!seen.Add(entry)) return entry;
        }
        return null;
    }

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name != ManifestName
        && name.IndexOfAny(['/', '\\']) < 0 && !name.Any(char.IsControl);
}
