namespace OnnxCoDesign.Samples;

/// <summary>The IR version that the ONNX release introducing each default-domain opset wrote.</summary>
public static class OnnxVersions
{
    public const string ProducerName = "OnnxCoDesign.Builder";

    /// <summary>
    /// Pairs an opset with the IR version real exporters used alongside it, so built models look like
    /// exports of their time (IR 3 for opset 8 and older, which also means initializers listed as inputs).
    /// </summary>
    public static long IrVersionFor(int opset) => opset switch
    {
        <= 8 => 3,
        9 => 4,
        10 => 5,
        11 => 6,
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        <= 22 => 10,
        _ => 11,
    };
}
