namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// A hidden diagnostic for memory work: with CODESIGN_MEMORY_TRACE=FILE set, each <see cref="Mark"/> appends one line
/// to FILE: the phase, the managed heap (GC.GetTotalMemory, without collecting), the GC's heap size after the last
/// collection, the working set and, on Linux, the peak RSS so far (VmHWM in /proc/self/status), all in MiB, and the
/// collections so far (gen0/gen2). Nothing reads it but a person measuring; without the variable nothing is written.
/// </summary>
public static class MemoryTrace
{
    public const string Variable = "CODESIGN_MEMORY_TRACE";

    private static readonly string? Path = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Appends the phase's line if the variable is set.</summary>
    public static void Mark(string phase)
    {
        if (string.IsNullOrEmpty(Path)) return;
        const double mib = 1024 * 1024;
        var line = $"{phase,-28} managed {GC.GetTotalMemory(false) / mib,7:F1}  heap {GC.GetGCMemoryInfo().HeapSizeBytes / mib,7:F1}  " +
                   $"ws {Environment.WorkingSet / mib,7:F1}  peak {PeakRssKib() / 1024.0,7:F1}  gcs {GC.CollectionCount(0)}/{GC.CollectionCount(2)}";
        File.AppendAllText(Path, line + "\n");
    }

    private static long PeakRssKib()
    {
        const string status = "/proc/self/status";
        if (!OperatingSystem.IsLinux() || !File.Exists(status)) return 0;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
