using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// Which wire formats each link may carry (<see cref="PlanningProblem.AllowedWires"/>). A format runs inside the
/// parts (the sender's Cast or QuantizeLinear, the receiver's inverse), so both devices of the link must have that
/// precision path (the catalog's <c>precisions</c>: the Maxwell Nano and the Pascal TX2 have no int8, the
/// Raspberry Pi's ONNX Runtime CPU path no fp16); int8 also needs calibration data for its scales.
/// <list type="bullet">
/// <item>auto (the default): per link, fp32 and every lossy format both devices run (int8 only with data);</item>
/// <item>--wire F: F on every link; a link whose devices lack it is OCD1857, int8 without data OCD1856.</item>
/// </list>
/// Returns null when only fp32 is possible (no tensor is ever converted).
/// </summary>
public static class WirePolicy
{
    public static IReadOnlyList<IReadOnlyList<WireFormat>>? Allowed(IReadOnlyList<DeviceProfile> devices, WireFormat? wire, bool calibrated)
    {
        var links = Enumerable.Range(0, devices.Count - 1).ToList();
        if (wire is { } forced)
        {
            if (forced == WireFormat.Fp32) return null;
            if (forced == WireFormat.Int8 && !calibrated)
            {
                throw new CodesignException(ErrorCodes.Int8NeedsCalibration, "--wire int8 quantizes each crossing tensor with a scale calibrated on data: give --calibration DATA");
            }
            foreach (var j in links.Where(j => !Both(devices, j, forced)))
            {
                var lacking = devices[j].Supports(forced.NeededPrecision()) ? devices[j + 1] : devices[j];
                throw new CodesignException(ErrorCodes.WireUnsupported,
                    $"--wire {forced.Name()}: link {j} ({devices[j].Name} → {devices[j + 1].Name}) cannot carry it: {lacking.Name} runs " +
                    $"{string.Join(", ", lacking.Precisions.Select(p => p.Name()))}; use --wire auto to let each link choose");
            }
            return links.Select(_ => (IReadOnlyList<WireFormat>)[forced]).ToList();
        }
        var allowed = links.Select(j => (IReadOnlyList<WireFormat>)WireFormats.All
            .Where(w => w == WireFormat.Fp32 || (Both(devices, j, w) && (w != WireFormat.Int8 || calibrated))).ToList()).ToList();
        return allowed.All(a => a.Count == 1) ? null : allowed;
    }

    private static bool Both(IReadOnlyList<DeviceProfile> devices, int link, WireFormat w) =>
        devices[link].Supports(w.NeededPrecision()) && devices[link + 1].Supports(w.NeededPrecision());
}
