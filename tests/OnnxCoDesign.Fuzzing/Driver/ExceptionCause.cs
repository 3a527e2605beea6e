using System.Diagnostics;

namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>An exception's cause key: its type and the innermost frame of the project's own code.</summary>
public static class ExceptionCause
{
    public static (string Cause, string Detail) Of(Exception e)
    {
        var frame = OwnFrames(e).FirstOrDefault();
        var where = frame is null ? "(no project frame)" : Describe(frame.GetMethod()!);
        var line = frame?.GetFileLineNumber() is > 0 ? $"{Path.GetFileName(frame.GetFileName())}:{frame.GetFileLineNumber()}" : "";
        var message = e.Message.ReplaceLineEndings(" ");
        if (message.Length > 200) message = message[..200] + "…";
        return ($"{e.GetType().Name} in {where}", $"{line} {message}".Trim());
    }

    /// <summary>Frames of OnnxCoDesign code (not this harness), innermost first.</summary>
    private static IEnumerable<StackFrame> OwnFrames(Exception e) =>
        new StackTrace(e, fNeedFileInfo: true).GetFrames().Where(f =>
            f.GetMethod()?.DeclaringType?.FullName is { } t && t.StartsWith("OnnxCoDesign.", StringComparison.Ordinal) && !t.StartsWith("OnnxCoDesign.Fuzzing", StringComparison.Ordinal));

    /// <summary>"Type.Method", with lambdas and iterators attributed to the method that holds them.</summary>
    private static string Describe(System.Reflection.MethodBase method)
    {
        var type = method.DeclaringType!;
        string name = method.Name;
        while (type.IsNested && type.Name.Contains('<'))
        {
            // <Method>d__3 or <>c__DisplayClass: the user method's name sits between the angle brackets.
            var inner = type.Name;
            if (inner.StartsWith('<') && inner.IndexOf('>') > 1) name = inner[1..inner.IndexOf('>')];
            type = type.DeclaringType!;
        }
        if (name.StartsWith('<') && name.IndexOf('>') > 1) name = name[1..name.IndexOf('>')];
        return $"{type.Name}.{name}";
    }
}
