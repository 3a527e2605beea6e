using System.Diagnostics;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// A single status line for long work ("simulate co-designed at 40/s  3/12 (25%)"), rewritten in place with a
/// carriage return on stderr and cleared when done. It is for a person watching a terminal: when stderr is
/// redirected (a log, a pipe, MSBuild, CI) or the CLI runs in-process on captured writers, it writes nothing,
/// so logs and tests see only the real output. Updates are throttled to about ten a second.
/// </summary>
public sealed class Progress : IDisposable
{
    private const long MinIntervalMs = 100;
    private readonly TextWriter? _w;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastMs = -MinIntervalMs;
    private int _shown; // characters of the line now on screen, to blank out when it gets shorter or ends

    /// <param name="enabled">Whether to draw at all; <see cref="Interactive"/> says whether the output is a terminal.</param>
    public Progress(CliOutput output, bool enabled) => _w = enabled ? output.Error : null;

    /// <summary>For a command: draws only when the output is the process's own stderr and that is a terminal.</summary>
    public static Progress For(CliOutput output) => new(output, Interactive(output));

    public static bool Interactive(CliOutput output) =>
        ReferenceEquals(output.Error, Console.Error) && !Console.IsErrorRedirected;

    public bool Enabled => _w is not null;

    public void Report(string label, long done, long total)
    {
        if (_w is null) return;
        var now = _clock.ElapsedMilliseconds;
        if (done < total && now - _lastMs < MinIntervalMs) return;
        _lastMs = now;
        var percent = total > 0 ? 100 * done / total : 100;
        var line = $"{label}  {done}/{total} ({percent}%)";
        var width = Width();
        if (line.Length > width) line = line[..width];
        _w.Write("\r" + line.PadRight(_shown));
        _w.Flush();
        _shown = line.Length;
    }

    /// <summary>Clears the line, so what follows starts on a clean one.</summary>
    public void Dispose()
    {
        if (_w is null || _shown == 0) return;
        _w.Write("\r" + new string(' ', _shown) + "\r");
        _w.Flush();
        _shown = 0;
    }

    /// <summary>The terminal's width less one (a full line would wrap on some terminals); 79 when it cannot be read.</summary>
    private static int Width()
    {
        try
        {
            var w = Console.WindowWidth;
            return w > 10 ? w - 1 : 79;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 79;
        }
    }
}
