namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>
/// What one CLI command did: exit code, what it printed, whether it finished in time, and the exception behind
/// an internal error (the one that escaped, or the last of the reported type thrown on the command's thread).
/// </summary>
public sealed record CommandRun(string Command, IReadOnlyList<string> Args, int? ExitCode, string Out, string Error, bool TimedOut, Exception? Exception, TimeSpan Elapsed);
