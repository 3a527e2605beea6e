using System.Diagnostics;
using OnnxCoDesign.Compiler.Calibration;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Rewrite;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// Turns an fp32 model into what a device runs at a precision, for emission and for measurement alike:
/// <list type="bullet">
/// <item>fp32: the model as it is;</item>
/// <item>fp16: weights at the Q/DQ sites rounded to fp16 and the activations there rounded through fp16 (a Cast
/// pair): storage in fp16, accumulation in fp32, as TensorRT's fp16 kernels do (pass round-fp16);</item>
/// <item>int8: explicit quantization (pass quantize): QDQ at TensorRT's sites, activation ranges calibrated on
/// the calibration data by running an fp32 model that holds those tensors.</item>
/// </list>
/// Only the nodes given are lowered (a part on an int8 device, one unit of a sensitivity table); the rest stays
/// fp32. Ranges are cached by (calibration key, tensor): the caller names the fp32 model the tensors are
/// calibrated on (the variant of a strategy, the plan's fused model), since a tensor of one name can hold
/// different values in differently fused models.
/// </summary>
public sealed class PrecisionLowering(IDataSet? calibration, CalibrationSettings? settings) : IDisposable
{
    private readonly Dictionary<(string Key, string Tensor), double> _amax = new();

    public double CalibrationSeconds { get; private set; }

    public long CalibrationSamples { get; private set; }

    public CalibrationSettings? Settings => calibration is null ? null : settings ?? CalibrationSettings.Default;

    /// <summary>The model lowered to <paramref name="precision"/>; a new model the caller disposes (it shares the source's weight store).</summary>
    public LoadedModel Lower(LoadedModel model, TargetPrecision precision, IReadOnlySet<string>? nodes, LoadedModel calibrationModel, string calibrationKey)
    {
        if (precision == TargetPrecision.Fp32) return model.Derived(model.Model.Clone());
        var graph = new ModelGraph(model.Model.Clone(), model.Path);
        var context = new PassContext(model.ExternalData);
        var shapes = ModelAnalysis.Of(graph, context, model.Path ?? "model").Shapes;
        if (precision == TargetPrecision.Fp16)
        {
            Pipelines.RoundFp16(nodes).Run(graph, context);
            return model.Derived(graph.Model);
        }
        var sites = QdqPlacement.Of(graph, shapes).Restrict(nodes);
        var ranges = Ranges(sites.ActivationTensors, calibrationModel, calibrationKey);
        Pipelines.Quantize(ranges, nodes).Run(graph, context);
        return model.Derived(graph.Model);
    }

    /// <summary>
    /// The calibrated symmetric range (amax) of each tensor of <paramref name="calibrationModel"/> (the wire formats'
    /// int8 scales), cached like the quantizer's ranges under <paramref name="key"/>.
    /// </summary>
    public IReadOnlyDictionary<string, double> Amax(IReadOnlyList<string> tensors, LoadedModel calibrationModel, string key) =>
        Ranges(tensors, calibrationModel, key).Amax;

    private ActivationRanges Ranges(IReadOnlyList<string> tensors, LoadedModel calibrationModel, string key)
    {
        var missing = tensors.Where(t => !_amax.ContainsKey((key, t))).Distinct().ToList();
        if (missing.Count > 0)
        {
            if (calibration is null)
            {
                throw new CodesignException(ErrorCodes.Int8NeedsCalibration, "int8 quantizes activations, whose ranges come from data: give --calibration DATA");
            }
            var clock = Stopwatch.StartNew();
            var measured = Calibrator.Collect(calibrationModel, missing, calibration, Settings!);
            CalibrationSeconds += clock.Elapsed.TotalSeconds;
            CalibrationSamples = Math.Max(CalibrationSamples, measured.Samples);
            foreach (var t in missing) _amax[(key, t)] = measured.Of(t) ?? throw new InvalidOperationException($"calibration returned no range for '{t}'");
        }
        return new ActivationRanges(tensors.Distinct().ToDictionary(t => t, t => _amax[(key, t)], StringComparer.Ordinal), CalibrationSamples);
    }

    public void Dispose() => calibration?.Dispose();
}
