using System.Diagnostics;

namespace OnnxCoDesign.Tests.Support;

/// <summary>The compiler built beside these tests (same configuration), run with `dotnet` as a process of its own.</summary>
public static class CompilerProcess
{
    /// <summary>
    /// Runs the compiler in <paramref name="workingDirectory"/> with <paramref name="environment"/> applied over
    /// this process's (a null value removes the variable); returns its exit code, stdout and stderr.
    /// </summary>
    public static (int Exit, string Out, string Error) Run(string workingDirectory, Dictionary<string, string?> environment, params string[] args)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0/
        var framework = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var dll = Path.Combine(RepoPaths.Root, "src", "Compiler", "bin", configuration, framework, "dotnet-codesign-compile.dll");
        Assert.True(File.Exists(dll), $"the compiler is not built at {dll}");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (key, value) in environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
