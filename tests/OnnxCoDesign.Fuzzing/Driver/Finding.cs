namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>What a finding is; every kind but <see cref="CheckFailed"/> fails the campaign.</summary>
public enum FindingKind
{
    Crash,
    Hang,

    /// <summary>A command that failed left files in or beside its output.</summary>
    PartialOutput,

    /// <summary>`analyze` accepted (exit 0) a model ONNX Runtime cannot create a session for.</summary>
    AcceptedButOrtRefuses,

    /// <summary>verify of the model against its own fused form failed (exit 3): reported, not fatal (NaN weights compare unequal).</summary>
    CheckFailed,
}

/// <summary>One finding of one input: grouped with others of the same kind and cause.</summary>
public sealed record Finding(FindingKind Kind, string Command, string Cause, string? Detail, FuzzCase Case)
{
    public string Key => $"{Kind}: {Cause}";
}
