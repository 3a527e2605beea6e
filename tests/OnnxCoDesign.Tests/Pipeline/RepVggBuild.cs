using Onnx;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Pipeline;

/// <summary>Small RepVGG models for the pipeline tests.</summary>
internal static class RepVggBuild
{
    /// <summary>A three-stage RepVGG whose input and output batch is the symbol "batch".</summary>
    public static ModelProto Symbolic() =>
        RepVggNet.Train(new RepVggLayout([8, 8, 16], [1, 2, 2], 1, InputSize: 16, Classes: 10), RepVggExportForm.BnSeparate, new SampleOptions(BatchSymbol: "batch"));
}
