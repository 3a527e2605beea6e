using OnnxCoDesign.Compiler.Simulation;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Seeding;

namespace OnnxCoDesign.Tests.Seeding;

public class SeededStreamTests
{
    [Fact]
    public void Is_SplitMix64()
    {
        // Reference values of SplitMix64 from seed 0 (Vigna's splitmix64.c).
        var s = new SeededStream(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, s.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, s.NextUInt64());
    }

    [Fact]
    public void Doubles_are_the_top_53_bits()
    {
        var bits = new SeededStream(9).NextUInt64();
        Assert.Equal((bits >> 11) / 9007199254740992.0, new SeededStream(9).NextDouble());
    }

    [Fact]
    public void Weights_and_arrivals_draw_the_same_sequence_from_streams_of_their_own()
    {
        var reference = new SeededStream(21);
        var u = Enumerable.Range(0, 3).Select(_ => reference.NextDouble()).ToArray();

        var weights = new WeightGenerator(21);
        Assert.Equal(u, Enumerable.Range(0, 3).Select(_ => weights.NextDouble()));

        var arrivals = Arrivals.Exponential(2.0, 3, seed: 21);
        var t = 0.0;
        for (var i = 0; i < 3; i++)
        {
            t += -Math.Log(1 - u[i]) / 2.0;
            Assert.Equal(t, arrivals[i]);
        }
    }
}
