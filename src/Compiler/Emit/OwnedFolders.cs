using System.Text.RegularExpressions;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>
/// The folders a run makes beside an output folder: the staging folder a new set is written into and, after the swap,
/// the old set under that name. Each is named <c>.NAME.GUID.codesign</c> and holds an <see cref="OutputManifest"/> from
/// the moment it exists (a run appends each name before writing the file). A killed run leaves one behind; the next
/// run empties it by its manifest, exactly as the run itself would have, and skips one whose manifest is locked by a
/// run still in progress. Nothing a manifest does not list is deleted, and a folder left holding such an entry stays.
/// </summary>
public static partial class OwnedFolders
{
    public const string Suffix = ".codesign";

    /// <summary>A fresh name for a staging folder beside <paramref name="final"/>.</summary>
    public static string NewName(string final) =>
        Path.Combine(Path.GetDirectoryName(final)!, $".{Path.GetFileName(final)}.{Guid.NewGuid():N}{Suffix}");

    /// <summary>Whether <paramref name="entry"/> is a name <see cref="NewName"/> gives for the output folder <paramref name="finalName"/>.</summary>
    public static bool IsNameFor(string entry, string finalName) =>
        entry.Length == finalName.Length + 2 + 32 + Suffix.Length
        && entry.StartsWith("." + finalName + ".", StringComparison.Ordinal)
        && entry.EndsWith(Suffix, StringComparison.Ordinal)
        && GuidHex().IsMatch(entry.AsSpan(finalName.Length + 2, 32));

    /// <summary>Empties and removes the folders interrupted runs left beside <paramref name="final"/>; returns how many went.</summary>
    public static int RemoveLeftovers(string final)
    {
        var parent = Path.GetDirectoryName(final)!;
        var name = Path.GetFileName(final);
        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(parent))
        {
            if (!IsNameFor(Path.GetFileName(entry), name)) continue;
            if (Empty(entry)) removed++;
        }
        return removed;
    }

    /// <summary>
    /// Deletes what <paramref name="folder"/>'s manifest lists (regular files only, with their temporary files), then
    /// the manifest, then the folder if nothing else is in it. False when the folder stays: it is not a real folder,
    /// has no readable manifest, is in use by a running compile, or holds something the manifest does not list.
    /// </summary>
    public static bool Empty(string folder)
    {
        if (FileKinds.Of(folder) != FileKind.Directory) return false;
        var manifestPath = Path.Combine(folder, OutputManifest.FileName);
        if (FileKinds.Of(manifestPath) != FileKind.Regular) return false;
        OutputManifest manifest;
        try
        {
            // A running compile holds its staging manifest exclusively; its folder is not a leftover.
            using var held = new FileStream(manifestPath, FileMode.Open, FileAccess.Read, FileShare.None);
            manifest = OutputManifest.Parse(OutputManifest.ReadBounded(held, folder), folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CodesignException)
        {
            return false;
        }
        return Empty(folder, manifest.Names, manifestPath);
    }

    /// <summary>The same, for the entries a run recorded itself.</summary>
    public static bool Empty(string folder, IEnumerable<string> names, string manifestPath)
    {
        foreach (var name in DeletionOrder(names)) DeleteOwnEntry(folder, name);
        DeleteOwnFile(manifestPath);
        try
        {
            Directory.Delete(folder, recursive: false);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Manifest entries in the order they can be deleted: files first, then folders, the deepest first.</summary>
    public static IEnumerable<string> DeletionOrder(IEnumerable<string> entries) =>
        entries.OrderBy(OutputManifest.IsFolder).ThenByDescending(OutputManifest.Depth);

    /// <summary>The path of a manifest entry in <paramref name="folder"/>, without the trailing '/' that would make lstat follow a link.</summary>
    public static string PathOf(string folder, string entry) => Path.Combine(folder, entry.TrimEnd('/'));

    /// <summary>
    /// Whether every folder between <paramref name="folder"/> and <paramref name="entry"/> is a real folder: a link in
    /// the way (put there after the compiler made the folder) would send a write or delete elsewhere, so it is never followed.
    /// </summary>
    public static bool UnderRealFolders(string folder, string entry)
    {
        var names = entry.TrimEnd('/').Split('/');
        var path = folder;
        for (var i = 0; i < names.Length - 1; i++)
        {
            path = Path.Combine(path, names[i]);
            if (FileKinds.Of(path) != FileKind.Directory) return false;
        }
        return true;
    }

    /// <summary>
    /// Deletes one entry the compiler listed: a regular file with the temporary files of its writes, or a folder once
    /// it is empty (one holding anything else stays). Nothing is deleted through a folder that is not a real one.
    /// </summary>
    public static void DeleteOwnEntry(string folder, string entry)
    {
        if (!UnderRealFolders(folder, entry)) return;
        var path = PathOf(folder, entry);
        if (!OutputManifest.IsFolder(entry))
        {
            DeleteOwnFile(path);
            return;
        }
        if (FileKinds.Of(path) != FileKind.Directory) return;
        try
        {
            Directory.Delete(path, recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not empty: it holds something the compiler did not write (an engine build-engines.sh put there).
        }
    }

    /// <summary>Deletes a file the compiler wrote (if it is still a regular file) and the temporary files of its writes.</summary>
    public static void DeleteOwnFile(string path)
    {
        if (FileKinds.Of(path) == FileKind.Regular) AtomicFile.TryDelete(path);
        AtomicFile.RemoveLeftovers(path);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex GuidHex();
}
