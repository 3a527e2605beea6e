namespace OnnxCoDesign.Passes.Diagnostics;

/// <summary>
/// The one exception type library code throws for bad input. It carries a stable code, the file it is
/// about (when there is one) and a one-line message. Only the CLI turns it into an exit code.
/// </summary>
public sealed class CodesignException : Exception
{
    public CodesignException(string code, string message, string? file = null, Exception? inner = null)
        : base(OneLine(message), inner)
    {
        Code = code;
        File = file;
    }

    public string Code { get; }

    public string? File { get; }

    /// <summary>The MSBuild canonical form: <c>path: error CODE: message</c>.</summary>
    public string Canonical => $"{File ?? "codesign-compile"}: error {Code}: {Message}";

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
