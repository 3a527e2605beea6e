using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>
/// The oracle for accepted models: a model `analyze` accepts must be one ONNX Runtime can create a session for,
/// or the plan describes a model its runtime cannot load. One refusal is by design and not held against the
/// compiler: an operator ORT has no kernel for, which analyze reported as unknown (warning OCW2002).
/// </summary>
public static partial class OrtOracle
{
    /// <summary>Null when ORT creates the session (or refuses only an operator analyze reported unknown); else ORT's message class.</summary>
    public static string? Refusal(string modelPath, string caseFolder, CommandRun analyze, TimeSpan timeout)
    {
        string? message = null;
        var thread = new Thread(() => message = TryCreate(modelPath), 64 << 20) { IsBackground = true, Name = "fuzz ort" };
        thread.Start();
        if (!thread.Join(timeout)) return "session creation did not finish within the timeout";
        if (message is null) return null;
        bool unknownOperator = analyze.Error.Contains("warning OCW2002", StringComparison.Ordinal)
            && (message.Contains("No Op registered for", StringComparison.Ordinal) || message.Contains("is not a registered function/op", StringComparison.Ordinal));
        return unknownOperator ? null : Classify(message.Replace(caseFolder, "CASE", StringComparison.Ordinal));
    }

    private static string? TryCreate(string modelPath)
    {
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            using var session = new InferenceSession(modelPath, options);
            return null;
        }
        catch (Exception e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// ORT's message reduced to its class: source locations, paths, names, numbers and node signatures taken out,
    /// e.g. "[ErrorCode:InvalidGraph] Type Error: Type '…' of input parameter (…) of operator (…) in node (…) is invalid."
    /// </summary>
    public static string Classify(string message)
    {
        var m = message.ReplaceLineEndings(" ");
        m = SourceLocation().Replace(m, "");
        m = LoadPrefix().Replace(m, "");
        m = m.Replace("This is an invalid model. ", "", StringComparison.Ordinal);
        // "In Node, (name, Op, domain, -1) : (inputs) -> (outputs) , Error X": X is the class.
        int error = m.IndexOf(", Error ", StringComparison.Ordinal);
        if (m.Contains("In Node,", StringComparison.Ordinal) && error > 0) m = m[..(m.IndexOf(']') + 1)] + " In Node: " + m[(error + 2)..];
        m = OperatorName().Replace(m, "$1 OP");
        m = TensorName().Replace(m, "tensor … failed");
        m = Quoted().Replace(m, "'…'");
        m = Bracketed().Replace(m, "(…)");
        m = Numbers().Replace(m, "N");
        m = Spaces().Replace(m, " ").Trim();
        return m.Length > 160 ? m[..160] + "…" : m;
    }

    [GeneratedRegex(@"/onnxruntime_src/\S+ (\S+ )?\S+::\S+\(.*?\)\s*(const\s*)?")]
    private static partial Regex SourceLocation();

    [GeneratedRegex(@"(operator|registered for|implementation for|attribute:?) [A-Za-z_][\w.]*")]
    private static partial Regex OperatorName();

    [GeneratedRegex(@"tensor \S+ failed")]
    private static partial Regex TensorName();

    [GeneratedRegex(@"Load model from \S+ failed:")]
    private static partial Regex LoadPrefix();

    [GeneratedRegex(@"'[^']*'|""[^""]*""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\((?!…)[^()]*\)")]
    private static partial Regex Bracketed();

    [GeneratedRegex(@"-?\d+")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
