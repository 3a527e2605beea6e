using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>
/// The check, made before any work, that an output set may be written at a folder: the compiler deletes or replaces
/// only what it wrote. A folder that does not exist yet is claimed as new. An existing one must hold an
/// <see cref="OutputManifest"/> and nothing it does not list; with <c>force</c>, entries the compiler did not write are
/// allowed and left alone (but never one of a name the compiler would write). No folder that is an input or holds
/// one (the model, its external data, a profile file) is ever an output, forced or not.
/// </summary>
public sealed class OutputClaim
{
    private OutputClaim(string folder, string shown, OutputManifest? existing, IReadOnlyList<string> foreign, bool forced)
    {
        Folder = folder;
        Shown = shown;
        Existing = existing;
        Foreign = foreign;
        Forced = forced;
    }

    /// <summary>The folder's absolute path, without a trailing separator.</summary>
    public string Folder { get; }

    /// <summary>The path as the user gave it, for messages.</summary>
    public string Shown { get; }

    /// <summary>The compiler's manifest of the folder as it is; null when the folder does not exist yet.</summary>
    public OutputManifest? Existing { get; }

    /// <summary>Entries the compiler did not write (allowed only with --force; then the set is replaced file by file).</summary>
    public IReadOnlyList<string> Foreign { get; }

    /// <summary>
    /// --force was needed (the folder has no manifest or holds foreign entries): the set is then replaced file by file,
    /// since swapping the folder would carry the foreign entries away with it.
    /// </summary>
    public bool Forced { get; }

    /// <param name="path">-o as given.</param>
    /// <param name="inputs">Files the run reads; the folder may be none of them and hold none of them.</param>
    /// <param name="force">--force: write beside entries the compiler did not write.</param>
    /// <param name="mayWrite">Names the run may write; --force never lets one replace a foreign entry.</param>
    public static OutputClaim Check(string? path, IEnumerable<string> inputs, bool force, Func<string, bool> mayWrite)
    {
        try
        {
            return CheckFolder(path, inputs, force, mayWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot inspect the output folder: {e.Message}", path);
        }
    }

    private static OutputClaim CheckFolder(string? path, IEnumerable<string> inputs, bool force, Func<string, bool> mayWrite)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CodesignException(ErrorCodes.OutputPathInvalid, "the output folder path is empty");
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var parent = Path.GetDirectoryName(folder);
        if (parent is null) throw new CodesignException(ErrorCodes.OutputPathInvalid, "the output folder cannot be the root of a file system", path);
        if (!Directory.Exists(parent))
        {
            throw new CodesignException(ErrorCodes.OutputWriteFailed, $"cannot write: the folder '{parent}' does not exist", path);
        }
        var kind = FileKinds.Of(folder);
        if (kind is not (FileKind.Missing or FileKind.Directory))
        {
            throw new CodesignException(ErrorCodes.OutputPathInvalid, $"the output folder '{Path.GetFileName(folder)}' is {FileKinds.Describe(kind)}, not a folder; it is left as it is", path);
        }
        RefuseInputs(folder, path, inputs);
        if (kind == FileKind.Missing) return new OutputClaim(folder, path, null, [], forced: false);

        var manifest = OutputManifest.Read(folder);
        var foreign = ForeignEntries(folder, manifest ?? OutputManifest.Empty);
        if (manifest is null && !force)
        {
            throw new CodesignException(ErrorCodes.OutputFolderNotOurs,
                $"the output folder exists and was not written by the compiler (it has no {OutputManifest.FileName}); give a new folder, or --force to add the outputs beside what is there", path);
        }
        if (foreign.Count > 0 && !force)
        {
            throw new CodesignException(ErrorCodes.OutputFolderNotOurs,
                $"the output folder holds {Quote(foreign)}, which the compiler did not write; give a new folder, or --force to leave those alone and replace only the compiler's own files", path);
        }
        if (foreign.FirstOrDefault(mayWrite) is { } clash)
        {
            throw new CodesignException(ErrorCodes.OutputFolderNotOurs,
                $"the output folder holds '{clash}', which the compiler did not write and would have to replace; even --force never does: move it away or give a new folder", path);
        }
        return new OutputClaim(folder, path, manifest ?? OutputManifest.Empty, foreign, forced: manifest is null || foreign.Count > 0);
    }

    /// <summary>The same input rule for files known only once the model is loaded (its external data).</summary>
    public void RefuseInputs(IEnumerable<string> inputs) => RefuseInputs(Folder, Shown, inputs);

    /// <summary>
    /// Entries of <paramref name="folder"/> that <paramref name="manifest"/> does not account for: anything but its
    /// listed regular files and real folders, the manifest, and the temporary files a killed write of one of those left.
    /// A listed folder is looked into, and what it holds is named by its path (<c>triton/jetson-tx2/part0/1/model.plan</c>);
    /// a link or file where the manifest lists a folder is foreign itself and never followed.
    /// </summary>
    public static IReadOnlyList<string> ForeignEntries(string folder, OutputManifest manifest)
    {
        var foreign = new List<string>();
        Walk(folder, "", manifest, foreign);
        return foreign.Order(StringComparer.Ordinal).ToList();
    }

    private static void Walk(string root, string prefix, OutputManifest manifest, List<string> foreign)
    {
        // The files listed in this folder, for their temporary names; the manifest's own at the top.
        var files = manifest.Names.Where(n => !OutputManifest.IsFolder(n) && OutputManifest.Parent(n) == (prefix.Length == 0 ? null : prefix))
            .Select(n => n[prefix.Length..]).ToList();
        if (prefix.Length == 0) files.Add(OutputManifest.FileName);
        foreach (var entry in Directory.EnumerateFileSystemEntries(OwnedFolders.PathOf(root, prefix)))
        {
            var name = Path.GetFileName(entry);
            var path = prefix + name;
            var kind = FileKinds.Of(entry);
            if (prefix.Length == 0 && name == OutputManifest.FileName) continue;
            if (kind == FileKind.Directory && manifest.Lists(path + "/"))
            {
                Walk(root, path + "/", manifest, foreign);
                continue;
            }
            if (kind == FileKind.Regular && (manifest.Lists(path)
                || (name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal) && files.Any(n => AtomicFile.IsTempNameOf(name, n)))))
            {
                continue;
            }
            foreign.Add(path);
        }
    }

    private static void RefuseInputs(string folder, string shown, IEnumerable<string> inputs)
    {
        var real = RealPaths.Of(folder);
        foreach (var input in inputs)
        {
            var file = RealPaths.Of(Path.GetFullPath(input));
            if (file == real || file.StartsWith(real + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new CodesignException(ErrorCodes.OutputHoldsInput,
                    $"the output folder {(file == real ? "is" : "holds")} the input '{input}'; the compiler never writes where it reads: give another folder", shown);
            }
        }
    }

    private static string Quote(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(3).Select(n => $"'{n}'")) + (names.Count > 3 ? $" and {names.Count - 3} more" : "");
}
