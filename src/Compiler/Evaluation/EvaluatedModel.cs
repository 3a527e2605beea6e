using OnnxCoDesign.Compiler.Verification;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>A model to score: one ONNX Runtime session, or parts chained as they were written (<see cref="ModelChain"/>).</summary>
public sealed record EvaluatedModel(string Label, Func<IReadOnlyDictionary<string, TensorData>, IReadOnlyDictionary<string, TensorData>> Run)
{
    public static EvaluatedModel Of(string label, OrtModel model) => new(label, model.Run);

    public static EvaluatedModel Of(string label, ModelChain chain) => new(label, chain.Run);
}
