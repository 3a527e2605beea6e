using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Measurement;

/// <summary>
/// The order the sessions of a batch run in within a round: the probe timed alongside the parts spread evenly among
/// them (<see cref="TimedBatch.Spread"/>), each group in its own order, so both sample the same stretches of a round.
/// </summary>
public sealed class TimedBatchOrderTests
{
    [Theory]
    [InlineData(30, 77)]
    [InlineData(30, 107)]
    [InlineData(5, 2)]
    [InlineData(1, 9)]
    public void TheSecondGroupIsSpreadEvenlyAmongTheFirst(int first, int second)
    {
        var order = TimedBatch.Spread(first, second);
        Assert.Equal(Enumerable.Range(0, first + second), order.Order());
        Assert.Equal(Enumerable.Range(0, first), order.Where(i => i < first));
        Assert.Equal(Enumerable.Range(first, second), order.Where(i => i >= first));
        // After the k-th session of the first group, ⌊k·second/first⌋ of the second have run: never more than one ahead or behind.
        for (var k = 1; k <= first; k++)
        {
            var at = order.ToList().IndexOf(k - 1);
            var before = order.Take(at + 1).Count(i => i >= first);
            Assert.Equal((k - 1) * second / first, before);
        }
    }

    [Fact]
    public void WithOneGroupEmptyTheOrderIsTheOther()
    {
        Assert.Equal([0, 1, 2], TimedBatch.Spread(3, 0));
        Assert.Equal([0, 1], TimedBatch.Spread(0, 2));
        Assert.Empty(TimedBatch.Spread(0, 0));
    }

    [Fact]
    public void RoundsRefuseAnOrderThatIsNotAPermutationOfTheSessions()
    {
        var timing = new TimingOptions(Runs: 1, Warmup: 0, Threads: 1);
        using var a = new TimedSession(LoadedModel.InMemory(ProbeModels.AddChain(1)), timing);
        using var b = new TimedSession(LoadedModel.InMemory(ProbeModels.AddChain(2)), timing);
        Assert.Throws<ArgumentException>(() => TimedBatch.Rounds([a, b], timing, order: [0, 0]));
        Assert.Throws<ArgumentException>(() => TimedBatch.Rounds([a, b], timing, order: [1]));
        Assert.Throws<ArgumentException>(() => TimedBatch.Rounds([a, b], timing, order: [0, 2]));
        var times = TimedBatch.Rounds([a, b], timing, order: [1, 0]);
        Assert.All(times, t => Assert.True(Assert.Single(t) > 0)); // each session's own times, whatever the order
    }
}
