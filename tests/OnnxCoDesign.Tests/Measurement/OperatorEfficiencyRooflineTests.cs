using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Cost;

namespace OnnxCoDesign.Tests.Measurement;

/// <summary>RooflineTime takes a node's compute efficiency from the profile's per-op map where it has one.</summary>
public sealed class OperatorEfficiencyRooflineTests
{
    private static readonly DeviceProfile Device = new()
    {
        Name = "synthetic", DisplayName = "synthetic", PeakFp32 = 1e12, PeakFp16 = 2e12, PeakInt8 = 4e12, MemoryBandwidth = 1e12,
        ComputeEfficiency = 0.8, MemoryEfficiency = 1, KernelOverhead = 1e-6,
        OperatorEfficiency = new Dictionary<string, double> { ["Conv"] = 0.5, ["Relu"] = 0.01 },
    };

    private static NodeCost Node(string op, long flops, long bytes) => new("n", op, [], [], flops, null, bytes, 0);

    [Fact]
    public void ListedOpsUseTheirOwnEfficiency()
    {
        // 1 GFLOP at 1 TFLOP/s·0.5 = 2 ms, plus 1 µs; the bytes (1 kB at 1 TB/s) do not bound it.
        Assert.Equal(2e-3 + 1e-6, RooflineTime.Seconds(Node("Conv", 1_000_000_000, 1000), Device, Precision.Fp32), 15);
        // fp16 doubles the peak: 1 ms.
        Assert.Equal(1e-3 + 1e-6, RooflineTime.Seconds(Node("Conv", 1_000_000_000, 1000), Device, Precision.Fp16), 15);
        // 1 MFLOP at 1% of peak = 100 µs, above its 1 µs of memory time.
        Assert.Equal(1e-4 + 1e-6, RooflineTime.Seconds(Node("Relu", 1_000_000, 1_000_000), Device, Precision.Fp32), 15);
    }

    [Fact]
    public void OtherOpsUseTheProfilesComputeEfficiency()
    {
        Assert.Equal(1.25e-3 + 1e-6, RooflineTime.Seconds(Node("Gemm", 1_000_000_000, 1000), Device, Precision.Fp32), 15);
        Assert.Equal(0.8, Device.ComputeEfficiencyFor("MatMul"));
        Assert.Equal(0.5, Device.ComputeEfficiencyFor("Conv"));
        Assert.Equal(0.8, Device.ComputeEfficiencyFor("conv")); // op types are case-sensitive, as in ONNX
    }

    [Fact]
    public void AnEmptyMapIsThePlainRoofline()
    {
        var plain = Device with { OperatorEfficiency = DeviceProfile.NoOperatorEfficiency };
        Assert.Equal(1.25e-3 + 1e-6, RooflineTime.Seconds(Node("Conv", 1_000_000_000, 1000), plain, Precision.Fp32), 15);
        // The memory term still bounds a memory-heavy node: 1 GB at 1 TB/s = 1 ms.
        Assert.Equal(1e-3 + 1e-6, RooflineTime.Seconds(Node("Relu", 1000, 1_000_000_000), Device, Precision.Fp32), 15);
    }
}
