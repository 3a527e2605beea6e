using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace OnnxCoDesign.MSBuild.Tasks;

/// <summary>
/// `dotnet clean` for OnnxModel outputs: deletes only the files the compiler lists in each output folder's manifest
/// (<c>.codesign-manifest</c>, one file name per line), then the manifest, then the folder if nothing else is left in it.
/// A folder without a manifest, or whose manifest lists anything but plain file names, is left as it is: the compiler
/// did not write it, and a clean never deletes what the build did not make.
/// </summary>
public sealed class CodesignClean : Microsoft.Build.Utilities.Task
{
    /// <summary>The compiler's manifest file name (OutputManifest.FileName in the compiler).</summary>
    public const string ManifestName = ".codesign-manifest";

    /// <summary>The compiler's code for a manifest it did not write (OCD1409), here a warning.</summary>
    public const string ManifestMalformed = "OCD1409";

    /// <summary>The OutputDir of each OnnxModel.</summary>
    [Required]
    public ITaskItem[] OutputDirs { get; set; } = [];

    public override bool Execute()
    {
        foreach (var item in OutputDirs) Clean(Path.GetFullPath(item.ItemSpec).TrimEnd('/', '\\'));
        return !Log.HasLoggedErrors;
    }

    private void Clean(string folder)
    {
        var manifest = Path.Combine(folder, ManifestName);
        if (!IsPlainFile(manifest))
        {
            if (Directory.Exists(folder)) Log.LogMessage(MessageImportance.Normal, "{0}: no {1}, so nothing in it is the compiler's; left as it is", folder, ManifestName);
            return;
        }
        var names = File.ReadAllLines(manifest);
        if (names.FirstOrDefault(n => !IsPlainName(n)) is { } bad)
        {
            Log.LogWarning(null, ManifestMalformed, null, manifest, 0, 0, 0, 0, "the manifest lists '{0}', which the compiler never writes; the folder is left as it is", bad);
            return;
        }
        foreach (var name in names)
        {
            var path = Path.Combine(folder, name);
            if (IsPlainFile(path)) File.Delete(path);
        }
        File.Delete(manifest);
        if (Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Log.LogMessage(MessageImportance.High, "{0}: the compiler's files are deleted; the folder holds others and is left in place", folder);
            return;
        }
        Directory.Delete(folder);
    }

    // A regular file, not a link (a link is never followed, nor deleted: the compiler writes none) and not a folder.
    private static bool IsPlainFile(string path) =>
        File.Exists(path) && (File.GetAttributes(path) & (FileAttributes.ReparsePoint | FileAttributes.Directory)) == 0;

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name != ManifestName
        && name.IndexOfAny(['/', '\\']) < 0 && !name.Any(char.IsControl);
}
