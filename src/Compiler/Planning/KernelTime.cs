using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Cost;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// Roofline time of one kernel on a device (DESIGN.md): max(flops / (P·ηc), bytes / (B·ηm)) + the per-kernel
/// overhead, bytes those that move through memory (<see cref="Kernel.MemoryBytes"/>), bytes scaled to the precision as <see cref="RooflineTime.BytesScale"/> says, ηc the profile's
/// efficiency for the kernel (<see cref="DeviceProfile.ComputeEfficiencyFor(Kernel)"/>: a conv's curve at its shape
/// where the profile has one, else its anchor op type's). A free kernel (a view) costs nothing. <see cref="RulesFor"/> says
/// which runtime's fusions a device gets: TensorRT's where the profile names a TensorRT version, else ONNX
/// Runtime's CPU provider's, with its NCHWc block (<see cref="DeviceProfile.NchwcBlock"/>).
/// </summary>
public static class KernelTime
{
    public static double Seconds(Kernel kernel, DeviceProfile device, Precision precision)
    {
        if (kernel.IsFree) return 0;
        var compute = (kernel.Flops ?? 0) / (device.Peak(precision) * device.ComputeEfficiencyFor(kernel));
        var memory = kernel.MemoryBytes * RooflineTime.BytesScale(precision) / (device.MemoryBandwidth * device.MemoryEfficiency);
        return Math.Max(compute, memory) + device.KernelOverhead;
    }

    public static KernelRules RulesFor(DeviceProfile device) =>
        device.TensorRtVersion is null ? KernelRules.OnnxRuntimeCpuNchwc(device.NchwcBlock) : KernelRules.TensorRt;
}
