using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Preprocessing;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Pipeline;

/// <summary>
/// compile --input-format uint8: the model is rewritten by <c>prepend-normalization</c> before planning, so the
/// planner sees a uint8 input (boundary 0 costs one byte per pixel) and the first part holds the normalization.
/// </summary>
public static class CameraInput
{
    /// <summary>The normalization --preprocess gives for uint8 frames (scale 1/255 unless given; mean 0 and std 1 when absent).</summary>
    public static InputNormalization From(Preprocess? preprocess) => preprocess is null
        ? InputNormalization.ToTensor
        : new InputNormalization(preprocess.ScaleFor(uint8: true), preprocess.Mean ?? [0f], preprocess.Std ?? [1f]);

    /// <summary>The model with its one float32 NCHW input turned into uint8 and normalized inside (OCD1532 when it does not fit).</summary>
    public static LoadedModel Apply(LoadedModel source, InputNormalization normalization, ShapeBindings bindings)
    {
        var graph = new ModelGraph(source.Model.Clone(), source.Path);
        Pipelines.PrependNormalization(normalization).Run(graph, new PassContext(source.ExternalData) { Bindings = bindings });
        return source.Derived(graph.Model);
    }

    /// <summary>
    /// What the rewritten model computes from a frame, in C#: x = (v · scale − mean[c]) / std[c] in float32, in the
    /// pass's order (and the data loader's), with c = dim 1 of NCHW. Feeds the original model in verification.
    /// </summary>
    public static TensorData Normalize(TensorData frame, InputNormalization n)
    {
        if (frame.ElemType != ElementType.UInt8 || frame.Shape.Length != 4) throw new ArgumentException($"a frame is uint8 NCHW, not {frame}", nameof(frame));
        var channels = frame.Shape[1];
        var plane = frame.Shape[2] * frame.Shape[3];
        var values = new float[frame.Bytes.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var c = (int)(i / plane % channels);
            var scaled = frame.Bytes[i] * n.Scale;
            var centred = scaled - n.Mean[n.Mean.Count == 1 ? 0 : c];
            values[i] = centred / n.Std[n.Std.Count == 1 ? 0 : c];
        }
        return TensorData.FromFloats(values, frame.Shape);
    }
}
