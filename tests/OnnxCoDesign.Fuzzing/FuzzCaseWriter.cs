using OnnxCoDesign.Fuzzing.Mutations;

namespace OnnxCoDesign.Fuzzing;

/// <summary>Writes a materialized input into its case folder: the model, the files beside it, the links.</summary>
public static class FuzzCaseWriter
{
    /// <summary>Returns the model's absolute path.</summary>
    public static string Write(MutationContext context)
    {
        var model = Inside(context.CaseFolder, MutationContext.ModelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.WriteAllBytes(model, context.Serialized());
        foreach (var (relative, bytes) in context.Files)
        {
            var path = Inside(context.CaseFolder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
        foreach (var (relative, target) in context.Links)
        {
            var path = Inside(context.CaseFolder, relative);
            // The target must resolve inside the case folder too: the harness never points anything outside its own folders.
            Inside(context.CaseFolder, Path.Combine(Path.GetDirectoryName(relative)!, target));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.CreateSymbolicLink(path, target);
        }
        return model;
    }

    /// <summary>The absolute path of <paramref name="relative"/>, refused when it would leave <paramref name="folder"/>.</summary>
    private static string Inside(string folder, string relative)
    {
        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, relative));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the fuzz input would write '{relative}', outside its folder {root}");
        }
        return path;
    }
}
