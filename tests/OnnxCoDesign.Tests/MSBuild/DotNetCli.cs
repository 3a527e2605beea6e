using System.Diagnostics;
using System.Text;

namespace OnnxCoDesign.Tests.MSBuild;

/// <summary>What a `dotnet` process printed (stdout and stderr, interleaved) and how it ended.</summary>
public sealed record DotNetResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:F1} s:\n{Output}";
}

/// <summary>
/// Runs real `dotnet` commands (pack, build, clean, tool) in their own processes. The test host's MSBuild variables are
/// dropped so each child finds its SDK as a user's shell would, and nothing outlives the command: no reused MSBuild
/// nodes, no compiler server (either would hold the output pipe open after the command ends).
/// </summary>
public static class DotNetCli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static DotNetResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Start("dotnet", workingDirectory, environment, DefaultTimeout, args);

    public static DotNetResult Start(string fileName, string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(IsHostMSBuildVariable).ToList()) start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var command = $"{Path.GetFileName(fileName)} {string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a))}";
        var output = new StringBuilder();
        using var outClosed = new ManualResetEventSlim();
        using var errClosed = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data, outClosed);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data, errClosed);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"`{command}` ran past {timeout.TotalSeconds:F0} s:\n{Text(output)}");
        }
        // The exit can come before the last lines are read; a child that keeps the pipes open must not hang the test.
        WaitHandle.WaitAll([outClosed.WaitHandle, errClosed.WaitHandle], TimeSpan.FromSeconds(10));
        return new DotNetResult(command, process.ExitCode, Text(output), clock.Elapsed);
    }

    // MSBuildExtensionsPath, MSBuildSDKsPath, MSBUILD_EXE_PATH, … as `dotnet test` set them for its own build.
    private static bool IsHostMSBuildVariable(string name) =>
        name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase);

    private static void Append(StringBuilder output, string? line, ManualResetEventSlim closed)
    {
        if (line is null)
        {
            closed.Set();
            return;
        }
        lock (output) output.Append(line).Append('\n');
    }

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
