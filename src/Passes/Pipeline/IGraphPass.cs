using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite;

namespace OnnxCoDesign.Passes.Pipeline;

/// <summary>
/// A graph pass: a small sealed class with a stable kebab-case <see cref="Name"/>, the op types it targets,
/// and <see cref="Run"/>, which matches purely, edits only after a complete match, and returns what it rewrote
/// and what it left alone (with reasons). Pipelines list passes in <see cref="Pipelines"/>.
/// </summary>
public interface IGraphPass
{
    string Name { get; }

    IReadOnlyList<string> TargetOps { get; }

    PassResult Run(ModelGraph graph, PassContext context);
}
