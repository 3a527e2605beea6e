using OnnxCoDesign.Passes.Seeding;

namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>
/// A Poisson arrival process: exponential inter-arrival times with mean 1/rate, by inversion,
/// X = −ln(1 − U) / rate with U uniform in [0, 1) from a SplitMix64 stream (<see cref="SeededStream"/>, whose
/// sequence for a seed is fixed by this code, not the runtime; 1 − U is in (0, 1], so X is finite).
/// The first request arrives after one inter-arrival time, not at 0.
/// </summary>
public static class Arrivals
{
    public static double[] Exponential(double ratePerSecond, int count, ulong seed)
    {
        if (!(ratePerSecond > 0) || !double.IsFinite(ratePerSecond)) throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "the rate must be positive and finite");
        var random = new SeededStream(seed);
        var times = new double[count];
        var t = 0.0;
        for (var i = 0; i < count; i++)
        {
            t += -Math.Log(1 - random.NextDouble()) / ratePerSecond;
            times[i] = t;
        }
        return times;
    }
}
