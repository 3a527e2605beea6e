namespace OnnxCoDesign.Passes.Diagnostics;

public enum Severity { Warning, Error }

/// <summary>A non-fatal finding a pass or analysis wants the user to see.</summary>
public sealed record Diagnostic(Severity Severity, string Code, string Message);

/// <summary>Collects diagnostics across passes, in the order they were raised.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = new();

    public IReadOnlyList<Diagnostic> Items => _items;

    public void Warn(string code, string message) => _items.Add(new Diagnostic(Severity.Warning, code, message));

    /// <summary>Adds a diagnostic unless an equal one is already here (analyses of several variants raise the same).</summary>
    public void Add(Diagnostic diagnostic)
    {
        lock (_items)
        {
            if (!_items.Contains(diagnostic)) _items.Add(diagnostic);
        }
    }
}
