using System.Runtime.CompilerServices;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// A hidden diagnostic for start-up work: with CODESIGN_LOADED_MODULES=FILE set, the process writes, as it exits,
/// one line per managed assembly it loaded ("assembly NAME") and, on Linux, per native library mapped into it
/// ("native FILE", from /proc/self/maps). The tests use it to show that commands which run no model never load ONNX
/// Runtime or SkiaSharp; nothing else reads it, and without the variable nothing is written.
/// Native AOT (the linux-x64 tool package) compiles every assembly into the executable and loads none, so there the
/// list names the executable instead ("executable NAME"): what a command loads is its native libraries.
/// </summary>
public static class LoadedModules
{
    public const string Variable = "CODESIGN_LOADED_MODULES";

    /// <summary>Writes the list where the variable says, if it is set.</summary>
    public static void WriteIfAsked()
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path)) return;
        IEnumerable<string> managed = RuntimeFeature.IsDynamicCodeSupported
            ? AppDomain.CurrentDomain.GetAssemblies().Select(a => "assembly " + a.GetName().Name)
            : ["executable " + Path.GetFileNameWithoutExtension(Environment.ProcessPath)];
        var lines = managed
            .Concat(NativeLibraries().Select(f => "native " + f))
            .Order(StringComparer.Ordinal);
        File.WriteAllLines(path, lines);
    }

    private static IEnumerable<string> NativeLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!OperatingSystem.IsLinux() || !File.Exists(maps)) return [];
        // Each line: address perms offset dev inode [path]; the path, when there is one, is the sixth field.
        return File.ReadLines(maps)
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].Contains(".so", StringComparison.Ordinal))
            .Select(fields => Path.GetFileName(fields[5].Trim()))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
