using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// Sets ONNX Runtime up, once per process and before anything else touches it, so that it leaves nothing
/// behind and prints nothing of its own:
/// <list type="bullet">
/// <item>ORT 1.31's Linux and macOS builds carry 1DS telemetry: its first environment writes a device id and
/// an offline event database under ~/.cache/Microsoft/DeveloperTools/.onnxruntime and a ".ses" session file
/// in the temporary folder (and would upload events). ORT_DISABLE_TELEMETRY=1, read by the native library
/// when its environment is created, turns all of that off. .NET's Environment.SetEnvironmentVariable does not
/// reach native getenv on Unix, so it is set with libc's setenv.</item>
/// <item>Its log lines (coloured warnings on stderr) would appear beside the tool's coded errors: the
/// environment and every session log only fatal errors, which the tool reports itself.</item>
/// </list>
/// </summary>
public static class OrtEnvironment
{
    private static readonly Lazy<bool> Prepared = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Call before creating any ORT object (sessions, options, the environment).</summary>
    public static void Ensure() => _ = Prepared.Value;

    /// <summary>Session options with ORT's own logging off; the caller sets the rest.</summary>
    public static SessionOptions QuietSessionOptions()
    {
        Ensure();
        return new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
    }

    private static bool Prepare()
    {
        if (!OperatingSystem.IsWindows()) SetEnv("ORT_DISABLE_TELEMETRY", "1", overwrite: 1);
        var env = OrtEnv.Instance();
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        env.DisableTelemetryEvents(); // Windows' own telemetry switch; a no-op where the variable already did it
        return true;
    }

    // DllImport rather than LibraryImport: this project does not allow unsafe code; ASCII strings marshal the same.
    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
