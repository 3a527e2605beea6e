using System.Diagnostics;
using OnnxCoDesign.Compiler.Cli;

namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>
/// Runs one CLI command in-process on a thread of its own, so a hang is seen as a timeout: the thread is
/// abandoned (a background thread, it cannot keep the process alive) and the campaign moves on.
/// </summary>
public static class CliInvoker
{
    /// <summary>Deep enough for any recursion a model can trigger below protobuf's nesting limit.</summary>
    private const int StackBytes = 64 << 20;

    public static CommandRun Run(string[] args, TimeSpan timeout)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int? exit = null;
        Exception? escaped = null;
        IReadOnlyList<Exception> thrown = [];
        var clock = Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            ThrownExceptions.BeginRecording();
            try
            {
                exit = CodesignCli.Run(args, new CliOutput(stdout, stderr));
            }
            catch (Exception e)
            {
                // Not expected: the CLI prints every exception as OCD9999 (exit 70), with --debug its trace too.
                escaped = e;
            }
            finally
            {
                thrown = ThrownExceptions.EndRecording();
            }
        }, StackBytes) { IsBackground = true, Name = "fuzz " + args[0] };
        thread.Start();
        bool finished = thread.Join(timeout);
        clock.Stop();
        if (!finished) return new CommandRun(args[0], args, null, Snapshot(stdout), Snapshot(stderr), true, null, clock.Elapsed);
        var cause = escaped ?? (exit == ExitCodes.InternalError || stderr.ToString().Contains("OCD9999") ? Behind(stderr.ToString(), thrown) : null);
        return new CommandRun(args[0], args, exit, stdout.ToString(), stderr.ToString(), false, cause, clock.Elapsed);
    }

    /// <summary>The exception the OCD9999 line names ("internal error (TypeName): …"), the last of that type thrown.</summary>
    private static Exception? Behind(string error, IReadOnlyList<Exception> thrown)
    {
        const string marker = "internal error (";
        int at = error.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return thrown.LastOrDefault();
        int end = error.IndexOf(')', at);
        var typeName = end < 0 ? "" : error[(at + marker.Length)..end];
        return thrown.LastOrDefault(e => e.GetType().Name == typeName) ?? thrown.LastOrDefault();
    }

    /// <summary>What a still-running command has printed so far; it may be writing at this moment.</summary>
    private static string Snapshot(StringWriter writer)
    {
        try
        {
            return writer.ToString();
        }
        catch (ArgumentException)
        {
            return "";
        }
    }
}
