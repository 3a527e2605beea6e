using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>Process exit codes; scripts and the MSBuild task rely on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The input was refused (a coded error was printed).</summary>
    public const int InputError = 1;

    /// <summary>The command line did not parse, or asked for something that cannot be done (OCD1401).</summary>
    public const int UsageError = 2;

    /// <summary>A check failed (verification past tolerance).</summary>
    public const int CheckFailed = 3;

    /// <summary>A bug: an exception that is not a coded error (OCD9999).</summary>
    public const int InternalError = 70;

    /// <summary>The internal-error code, printed for an exception that carries no code of its own.</summary>
    public const string InternalErrorCode = "OCD9999";

    /// <summary>
    /// The one mapping from an error code to an exit code, wherever the error was detected (the parser, a
    /// command, the library): usage 2, internal 70, any other coded error 1.
    /// </summary>
    public static int For(string code) => code switch
    {
        ErrorCodes.UsageError => UsageError,
        InternalErrorCode => InternalError,
        _ => InputError,
    };
}
