using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `compile --dependency-file FILE`: the files the compile read, one absolute path a line, sorted, each once, written
/// after the outputs, as protoc's --dependency_out is for Grpc.Tools. The MSBuild targets take the list as the model's
/// Inputs, so a change to any of them (external data of any name, a device profile, a data set) compiles it again.
/// A data folder counts as every file under it. Nothing is written when the compile fails: the last list stands.
/// </summary>
internal static class DependencyFile
{
    public const string OptionName = "--dependency-file";

    public static void Write(string path, IEnumerable<string?> inputs)
    {
        var files = inputs.Where(p => !string.IsNullOrEmpty(p)).SelectMany(p => Expand(Path.GetFullPath(p!)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        AtomicFile.WriteText(path, string.Concat(files.Select(f => f + "\n")));
    }

    private static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories) : [path];
}
