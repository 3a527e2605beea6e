namespace OnnxCoDesign.Samples;

/// <summary>
/// A 4-D NCHW activation as the layer helpers track it: its tensor name and C, H, W. The batch dimension is
/// not tracked because no layer here depends on it; the sample decides how graph outputs spell it.
/// </summary>
public readonly record struct FeatureMap(string Name, long Channels, long Height, long Width)
{
    /// <summary>NCHW dims with the given batch (a number or a symbolic name), for graph outputs.</summary>
    public object[] Dims(object batch) => [batch, Channels, Height, Width];
}
