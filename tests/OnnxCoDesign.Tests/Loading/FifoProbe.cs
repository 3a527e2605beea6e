using System.Runtime.InteropServices;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>
/// Runs an action on a path that is a FIFO without letting a regression hang the test run: while the action
/// runs, a helper keeps trying to open the FIFO's write end without blocking, which succeeds only while
/// someone holds the read end open. If the code under test opens the FIFO blocking, the helper's open wakes
/// it and it reads an empty file; so it ends either way, and a test that expects the FIFO refused for what
/// it is fails (with another error, or none) instead of hanging. Nothing is ever written into the FIFO.
/// </summary>
internal static class FifoProbe
{
    private const int WriteOnly = 1, NonBlocking = 0x800, CloseOnExec = 0x80000;

    /// <summary>Creates a FIFO at <paramref name="path"/> and returns it.</summary>
    public static string Create(string path)
    {
        FileSystemLinks.CreateFifo(path);
        return path;
    }

    public static T Run<T>(string fifo, Func<T> action)
    {
        using var done = new CancellationTokenSource();
        var unblocker = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                var fd = NativeOpen(fifo, WriteOnly | NonBlocking | CloseOnExec);
                if (fd >= 0) NativeClose(fd);
                Thread.Sleep(5);
            }
        });
        try
        {
            return action();
        }
        finally
        {
            done.Cancel();
            unblocker.Wait();
        }
    }

    public static void Run(string fifo, Action action) => Run(fifo, () =>
    {
        action();
        return 0;
    });

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int NativeOpen(string path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int NativeClose(int fd);
}
