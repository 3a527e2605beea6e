using System.Globalization;
using Onnx;
using OnnxCoDesign.Compiler.Calibration;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Passes.Checking;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>What `fuse --precision int8 --calibration` quantized, read off the written model itself.</summary>
public static class FuseQuantizationReport
{
    public static FuseQuantization Of(ModelProto fp32, ModelProto quantized, PrecisionLowering lowering)
    {
        var initializers = quantized.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var before = OpsetCheck.DefaultOpset(fp32);
        var after = OpsetCheck.DefaultOpset(quantized);
        return new FuseQuantization
        {
            Activations = quantized.Graph.Node.Count(n => n.OpType == "QuantizeLinear"),
            Weights = quantized.Graph.Node.Count(n => n.OpType == "DequantizeLinear" && initializers.Contains(n.Input[0])),
            Method = CalibrationMethodNames.Name((lowering.Settings ?? CalibrationSettings.Default).Method),
            Samples = lowering.CalibrationSamples,
            OpsetRaisedFrom = after != before ? before : null,
        };
    }

    public static void WriteText(FuseQuantization q, TextWriter w) =>
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"quantize: int8 QDQ, {q.Activations} activation(s) and {q.Weights} weight(s) quantized, ranges by {q.Method} on {q.Samples} calibration sample(s)") +
            (q.OpsetRaisedFrom is { } from ? string.Create(CultureInfo.InvariantCulture, $"; opset raised from {from} to 13") : ""));
}
