namespace OnnxCoDesign.Samples;

/// <summary>The geometry of a square 2-D convolution; <see cref="Pad"/> &lt; 0 means "same" padding.</summary>
public readonly record struct ConvSpec(long OutChannels, int Kernel, int Stride = 1, int Pad = -1, int Groups = 1, int Dilation = 1)
{
    public int EffectivePad => Pad >= 0 ? Pad : Dilation * (Kernel - 1) / 2;

    public long OutSize(long inSize) => (inSize + 2 * EffectivePad - Dilation * (Kernel - 1) - 1) / Stride + 1;

    public long[] WeightDims(long inChannels)
    {
        if (inChannels % Groups != 0 || OutChannels % Groups != 0)
        {
            throw new ArgumentException($"channels {inChannels}->{OutChannels} are not divisible by groups={Groups}");
        }
        return [OutChannels, inChannels / Groups, Kernel, Kernel];
    }
}
