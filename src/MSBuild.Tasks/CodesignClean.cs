using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace OnnxCoDesign.MSBuild.Tasks;

/// <summary>
/// `dotnet clean` for OnnxModel outputs: deletes only the files the compiler lists in each output folder's manifest
/// (<c>.codesign-manifest</c>, one file name per line), then the manifest, then the folder if nothing else is left in it.
/// A folder without a manifest, or whose manifest lists anything but plain file names, is left as it is: the compiler
/// did not write it, and a clean never deletes what the build did not make. Then each of <see cref="EmptyFolders"/>
/// that is empty (the folders the targets made to hold the outputs, their copies and the stamps) is removed.
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

    public override bool Execute()
    {
        foreach (var item in OutputDirs) Clean(Path.GetFullPath(item.ItemSpec).TrimEnd('/', '\\'));
        foreach (var item in EmptyFolders) RemoveIfEmpty(Path.GetFullPath(item.ItemSpec).TrimEnd('/', '\\'));
        return !Log.HasLoggedErrors;
    }

    private static void RemoveIfEmpty(string folder)
    {
        try
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
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
        if (names.FirstOrDefault(n => !IsPlainName(n)) is { } bad)
        {
            Log.LogWarning(null, ManifestMalformed, null, manifest, 0, 0, 0, 0, "the manifest lists '{0}', which the compiler never writes; the folder is left as it is", bad);
            return;
        }
        foreach (var name in names)
        {
            var path = Path.Combine(folder, name);
            if (IsPlainFile(path)) DeleteFile(path);
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

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name != ManifestName
        && name.IndexOfAny(['/', '\\']) < 0 && !name.Any(char.IsControl);
}
