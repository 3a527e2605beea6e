namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>How a command ended, from the user's side.</summary>
public enum Outcome
{
    /// <summary>Exit 0.</summary>
    Success,

    /// <summary>Exit 1 or 2 with exactly one `error OCDxxxx:` line: the input was refused properly.</summary>
    Refused,

    /// <summary>Exit 3: verification ran and the outputs differ.</summary>
    CheckFailed,

    /// <summary>Exit 70 (OCD9999), an exception escaping the CLI, another exit code, or an error that is not one coded line.</summary>
    Crash,

    /// <summary>No exit within the per-command timeout.</summary>
    Hang,
}
