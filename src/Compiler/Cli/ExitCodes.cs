namespace OnnxCoDesign.Compiler.Cli;

/// <summary>Process exit codes; scripts and the MSBuild task rely on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The input was refused (a coded error was printed).</summary>
    public const int InputError = 1;

    /// <summary>The command line did not parse.</summary>
    public const int UsageError = 2;

    /// <summary>A check failed (verification past tolerance).</summary>
    public const int CheckFailed = 3;

    /// <summary>A bug: an exception that is not a coded error.</summary>
    public const int InternalError = 70;
}
