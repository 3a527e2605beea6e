namespace OnnxCoDesign.Samples;

/// <summary>GoogLeNet's inception module: four branches over one input, concatenated on channels.</summary>
public static class InceptionBlock
{
    /// <summary>1×1 | 1×1→3×3 | 1×1→5×5 | maxpool 3×3/1 pad 1→1×1, each conv with bias and Relu.</summary>
    public static FeatureMap Add(CnnLayers l, FeatureMap x, long c1, long c3Reduce, long c3, long c5Reduce, long c5, long poolProjection)
    {
        var b1 = ConvRelu(l, x, c1, 1);
        var b3 = ConvRelu(l, ConvRelu(l, x, c3Reduce, 1), c3, 3);
        var b5 = ConvRelu(l, ConvRelu(l, x, c5Reduce, 1), c5, 5);
        var bp = ConvRelu(l, l.MaxPool(x, 3, 1, 1), poolProjection, 1);
        return l.Concat(b1, b3, b5, bp);
    }

    private static FeatureMap ConvRelu(CnnLayers l, FeatureMap x, long outChannels, int kernel) =>
        l.Relu(l.Conv(x, new ConvSpec(outChannels, kernel)));
}
