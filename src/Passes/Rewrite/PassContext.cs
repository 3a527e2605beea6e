using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>How a pass writes the weights it creates.</summary>
public enum WeightMode
{
    /// <summary>Computed for real: for a model that is run or saved.</summary>
    Computed,

    /// <summary>
    /// The structure only: new weights are zeros (one shared buffer), no arithmetic. For analysis variants of a
    /// model whose shapes and costs are wanted, never for a model that is run or saved.
    /// </summary>
    StructureOnly,
}

/// <summary>
/// What every pass gets besides the graph: where weights are read from, how new ones are written, the shape
/// bindings, the diagnostics every command prints, the analysis cache and the trace of what ran.
/// </summary>
public sealed class PassContext(ExternalDataStore weights)
{
    public static PassContext InMemory => new(ExternalDataStore.None);

    /// <summary>Resolves initializers whose bytes live in a file (external or left in the model file).</summary>
    public ExternalDataStore Weights { get; } = weights;

    public WeightMode Mode { get; init; } = WeightMode.Computed;

    public ShapeBindings Bindings { get; init; } = ShapeBindings.Empty;

    /// <summary>Warnings raised by passes and analyses, each once; commands print them and JSON outputs list them.</summary>
    public DiagnosticBag Diagnostics { get; init; } = new();

    /// <summary>Shapes and costs per graph version; a pass that changes a graph invalidates its entry.</summary>
    public AnalysisCache Analyses { get; init; } = new();

    public PassTrace Trace { get; init; } = new();

    public bool StructureOnly => Mode == WeightMode.StructureOnly;

    /// <summary>
    /// Whether weights computed by a rewrite (folded, fused) are left as recipes in <see cref="Weights"/>
    /// (<see cref="ExternalDataStore.Compute"/>) and computed when read or saved, instead of held in memory.
    /// Compile sets it: its variants' weights are only ever streamed to the parts it writes. Ignored for the
    /// shared in-memory store, which takes no recipes.
    /// </summary>
    public bool DeferWeights { get; init; }

    /// <summary>The store a rewrite leaves its new weights to, or null to compute them at once.</summary>
    public ExternalDataStore? DeferredWeights => DeferWeights && !ReferenceEquals(Weights, ExternalDataStore.None) ? Weights : null;

    /// <summary>This context with another weight mode; diagnostics, analyses and trace are shared.</summary>
    public PassContext With(WeightMode mode) =>
        new(Weights) { Mode = mode, DeferWeights = DeferWeights, Bindings = Bindings, Diagnostics = Diagnostics, Analyses = Analyses, Trace = Trace };
}
