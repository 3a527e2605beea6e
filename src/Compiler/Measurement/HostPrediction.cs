using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>
/// The prediction of a whole standalone model (a part file) on one device (<see cref="ModelPrediction"/>), exactly
/// as the planner sums a part. At fp32, since ONNX Runtime on the host runs the part as it is stored (fp32),
/// whatever precision the plan targets on its devices.
/// </summary>
public static class HostPrediction
{
    public static double Seconds(LoadedModel model, DeviceProfile device, ShapeBindings? bindings = null, Precision precision = Precision.Fp32,
        CostGranularity granularity = CostGranularity.Kernel)
    {
        var analysis = ModelAnalysis.Run(model, model.Path ?? "part", bindings ?? ShapeBindings.Empty);
        return ModelPrediction.Seconds(analysis, device, precision, granularity);
    }
}
