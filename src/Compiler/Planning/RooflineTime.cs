using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Cost;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// Roofline time of one node on a device (DESIGN.md): max(flops / (P·ηc), bytes / (B·ηm)) + overhead.
/// Bytes are counted at the model's element type (fp32) and scale with the precision the part is built
/// at: ×½ for fp16, ×¼ for int8, since TensorRT stores the weights and activations at that width.
/// A node whose FLOPs are unknown is timed by its bytes alone (the plan lists it as unknown).
/// ηc is the profile's efficiency for the node's op type where it has one (a measured host profile does),
/// else its ComputeEfficiency.
/// </summary>
public static class RooflineTime
{
    public static double BytesScale(Precision p) => p switch
    {
        Precision.Fp32 => 1.0,
        Precision.Fp16 => 0.5,
        _ => 0.25,
    };

    public static double Seconds(NodeCost node, DeviceProfile device, Precision precision)
    {
        var compute = (node.Flops ?? 0) / (device.Peak(precision) * device.ComputeEfficiencyFor(node.OpType));
        var memory = node.Bytes * BytesScale(precision) / (device.MemoryBandwidth * device.MemoryEfficiency);
        return Math.Max(compute, memory) + device.KernelOverhead;
    }
}
