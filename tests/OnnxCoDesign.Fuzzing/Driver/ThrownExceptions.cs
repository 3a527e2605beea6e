using System.Runtime.ExceptionServices;

namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>
/// Remembers the last exceptions thrown on the current thread. The CLI turns an unexpected exception into one
/// OCD9999 line (type and message only), so the stack that names the faulty code is recovered here: the same
/// exception object, whose trace the runtime completed while it unwound to the CLI's catch.
/// </summary>
public static class ThrownExceptions
{
    private const int Kept = 32;

    [ThreadStatic] private static List<Exception>? _recent;

    [ThreadStatic] private static bool _recording;

    private static int _subscribed;

    /// <summary>Starts recording on this thread (and subscribes once per process).</summary>
    public static void BeginRecording()
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 0) AppDomain.CurrentDomain.FirstChanceException += OnThrown;
        _recent = [];
        _recording = true;
    }

    public static IReadOnlyList<Exception> EndRecording()
    {
        _recording = false;
        var recent = _recent ?? [];
        _recent = null;
        return recent;
    }

    private static void OnThrown(object? sender, FirstChanceExceptionEventArgs e)
    {
        if (!_recording || _recent is null) return;
        if (_recent.Count == Kept) _recent.RemoveAt(0);
        _recent.Add(e.Exception);
    }
}
