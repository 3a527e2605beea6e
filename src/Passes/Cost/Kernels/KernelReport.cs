namespace OnnxCoDesign.Passes.Cost;

/// <summary>A graph's kernels under one set of <see cref="KernelRules"/>, and the kernel each node runs in.</summary>
public sealed class KernelReport
{
    private readonly Dictionary<string, Kernel> _of;

    public KernelReport(KernelRules rules, IReadOnlyList<Kernel> kernels)
    {
        Rules = rules;
        Kernels = kernels;
        _of = new Dictionary<string, Kernel>(StringComparer.Ordinal);
        foreach (var k in kernels) foreach (var n in k.Nodes) _of[n] = k;
    }

    public KernelRules Rules { get; }

    public IReadOnlyList<Kernel> Kernels { get; }

    /// <summary>The kernel node <paramref name="node"/> runs in.</summary>
    public Kernel Of(string node) => _of[node];

    /// <summary>Kernels that launch (every kind but <see cref="KernelKind.Free"/>).</summary>
    public int Launched => Kernels.Count(k => !k.IsFree);
}
