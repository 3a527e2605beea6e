using Onnx;

namespace OnnxCoDesign.Passes.Partition;

/// <summary>One part of a split model: a standalone model and what it exchanges with the other parts.</summary>
/// <param name="Name">The part's name (<c>part0</c>, <c>part1</c>, …), also in its <c>codesign.part</c> metadata.</param>
/// <param name="Model">The standalone model (see <see cref="PartExtractor.Extract"/>).</param>
/// <param name="InputNames">Its runtime inputs: graph inputs of the original, or earlier parts' outputs.</param>
/// <param name="OutputNames">Its outputs: tensors later parts read, and graph outputs of the original.</param>
/// <param name="NodeNames">The original graph's nodes assigned to this part, in topological order.</param>
public sealed record PartModel(
    string Name,
    ModelProto Model,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<string> OutputNames,
    IReadOnlyList<string> NodeNames);
