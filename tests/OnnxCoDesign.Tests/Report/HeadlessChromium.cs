using System.Diagnostics;

namespace OnnxCoDesign.Tests.Report;

/// <summary>
/// Debian's chromium run headless on a file: its DOM after loading, or a screenshot. Not finding chromium
/// fails the test, never skips it: the report is checked in a real browser or not at all, and .ci/run installs
/// it (`apt-get install chromium`). Each run gets its own profile folder and no network services, so runs
/// are independent and quick, and stderr is logged so console messages can be checked.
/// </summary>
public static class HeadlessChromium
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>Lines chromium logs for the page's console (any level) or an uncaught exception; the report has no script, so none.</summary>
        public IReadOnlyList<string> ConsoleLines => Error.Split('\n').Where(l => l.Contains(":CONSOLE") || l.Contains("Uncaught")).ToList();
    }

    public static string Executable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin"))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var path = Path.Combine(dir, name);
                if (File.Exists(path)) return path;
            }
        }
        Assert.Fail("chromium is not installed, so report.html cannot be checked in a browser: install it with `apt-get install -y chromium` (.ci/run does this before the tests)");
        return "";
    }

    public static Result DumpDom(string htmlFile) => Run(htmlFile, "--dump-dom");

    public static Result Screenshot(string htmlFile, string png, int width, int height) =>
        Run(htmlFile, $"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars");

    private static Result Run(string htmlFile, params string[] extra)
    {
        var profile = Path.Combine(Path.GetTempPath(), "codesign-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                 }.Concat(extra))
        {
            start.ArgumentList.Add(a);
        }
        start.ArgumentList.Add(new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"chromium did not finish within 90 s on {htmlFile}");
            }
            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
