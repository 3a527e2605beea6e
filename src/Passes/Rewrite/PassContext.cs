using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Rewrite;

/// <summary>What a pass may use besides the graph: where weights are read from, and where to report.</summary>
public sealed class PassContext(ExternalDataStore weights)
{
    public static PassContext InMemory => new(ExternalDataStore.None);

    /// <summary>Resolves initializers whose bytes live in a file (external or left in the model file).</summary>
    public ExternalDataStore Weights { get; } = weights;

    public DiagnosticBag Diagnostics { get; } = new();

    /// <summary>
    /// Rewrite the structure only: new weights are zeros (one shared buffer), no arithmetic. For analysis
    /// variants of a model whose shapes and costs are wanted, never for a model that is run or saved.
    /// </summary>
    public bool StructureOnly { get; init; }
}
