using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OnnxCoDesign.Tests.Outputs;

/// <summary>FIFOs for output tests (Linux): one to create, and a reader that is connected before the writer opens.</summary>
internal static class SpecialFiles
{
    public static void CreateFifo(string path)
    {
        if (Mkfifo(path, Convert.ToUInt32("644", 8)) != 0) throw new IOException($"mkfifo('{path}') failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, uint mode);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);

    private const int ReadOnlyNonBlocking = 0x800, NonBlocking = 0x800, GetFlags = 3, SetFlags = 4;

    /// <summary>
    /// Reads everything written to a FIFO on a background thread. The read end is open when this returns (a
    /// non-blocking open, then switched to blocking reads), so a writer that refuses a FIFO without a reader sees one.
    /// </summary>
    public sealed class FifoReader
    {
        private readonly Thread _thread;
        private readonly MemoryStream _bytes = new();
        private volatile bool _writerDone;
        private Exception? _failure;

        public FifoReader(string path)
        {
            var fd = Open(path, ReadOnlyNonBlocking);
            if (fd < 0) throw new IOException($"open('{path}') failed: errno {Marshal.GetLastPInvokeError()}");
            var flags = Fcntl(fd, GetFlags, 0);
            if (flags < 0 || Fcntl(fd, SetFlags, flags & ~NonBlocking) < 0) throw new IOException("fcntl failed");
            var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
            _thread = new Thread(() => Drain(stream)) { IsBackground = true };
            _thread.Start();
        }

        // With no writer connected a read returns 0 at once; keep reading until the writer has been and gone.
        private void Drain(FileStream stream)
        {
            try
            {
                using (stream)
                {
                    var buffer = new byte[65536];
                    while (true)
                    {
                        var n = stream.Read(buffer);
                        if (n > 0) _bytes.Write(buffer, 0, n);
                        else if (_writerDone) return;
                        else Thread.Sleep(5);
                    }
                }
            }
            catch (Exception e)
            {
                _failure = e;
            }
        }

        /// <summary>Call once the writer has finished: the bytes the FIFO carried.</summary>
        public byte[] Finish()
        {
            _writerDone = true;
            if (!_thread.Join(TimeSpan.FromMinutes(1))) throw new TimeoutException("the FIFO reader did not finish");
            if (_failure is not null) throw _failure;
            return _bytes.ToArray();
        }
    }
}
