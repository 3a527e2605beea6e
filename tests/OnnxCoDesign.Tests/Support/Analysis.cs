using Onnx;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Tests.Support;

/// <summary>Runs the analysis pipeline on an in-memory model.</summary>
public static class Analysis
{
    public static ModelAnalysis Of(ModelProto model, ShapeBindings? bindings = null) =>
        ModelAnalysis.Run(LoadedModel.InMemory(model), "test", bindings ?? ShapeBindings.Empty);
}
