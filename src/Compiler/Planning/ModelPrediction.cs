using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Cost;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// The predicted time of a whole standalone model (a part file, or a model whole) on one device: Σ
/// <see cref="KernelTime"/> over the kernels the device's runtime launches, or Σ <see cref="RooflineTime"/> over
/// its nodes at <see cref="CostGranularity.Node"/> — what the planner sums for a part either way. At kernel level
/// on a device running ONNX Runtime with an NCHWc block, plus the layout reorders it inserts (<see cref="LayoutReorders"/>),
/// those at the model's own inputs and outputs included.
/// </summary>
public static class ModelPrediction
{
    public static double Seconds(ModelAnalysis analysis, DeviceProfile device, Precision precision, CostGranularity granularity = CostGranularity.Kernel) =>
        granularity == CostGranularity.Node
            ? analysis.Cost.Nodes.Sum(n => RooflineTime.Seconds(n, device, precision))
            : analysis.KernelsFor(KernelTime.RulesFor(device)).Kernels.Sum(k => KernelTime.Seconds(k, device, precision))
              + LayoutReorders.Of(analysis.Graph, analysis.Shapes, analysis.Graph.Nodes, KernelTime.RulesFor(device).NchwcBlock)
                  .Sum(k => KernelTime.Seconds(k, device, precision));
}
