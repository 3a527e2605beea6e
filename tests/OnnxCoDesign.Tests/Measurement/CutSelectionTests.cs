using OnnxCoDesign.Compiler.Measurement;

namespace OnnxCoDesign.Tests.Measurement;

/// <summary>Which cuts a sweep measures.</summary>
public sealed class CutSelectionTests
{
    [Fact]
    public void ASubsetIsEvenlySpacedAndKeepsBothEnds()
    {
        var cuts = CutSweep.Select(47, 15);
        Assert.Equal(15, cuts.Count);
        Assert.Equal(0, cuts[0]);
        Assert.Equal(45, cuts[^1]); // after unit 45: the last unit alone is part 2
        Assert.True(cuts.Zip(cuts.Skip(1)).All(p => p.Second - p.First is 3 or 4));
    }

    [Fact]
    public void AllCandidatesWhenAskedOrWhenThereAreFew()
    {
        Assert.Equal([0, 1, 2, 3], CutSweep.Select(5, 0));
        Assert.Equal([0, 1, 2, 3], CutSweep.Select(5, 15));
        Assert.Equal([2], CutSweep.Select(6, 1));
        Assert.Empty(CutSweep.Select(1, 15)); // one unit: no cut leaves two non-empty parts
    }
}
