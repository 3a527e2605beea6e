using System.Runtime.InteropServices;
using Onnx;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Calibration;

/// <summary>
/// Measures the symmetric range (amax) of activation tensors by running the fp32 model in ONNX Runtime over a
/// calibration data set: a copy of the model with the tensors added as graph outputs, fed batch by batch.
/// Streaming: pass 1 keeps one max |x| per tensor; for percentile and entropy a second pass over the data
/// fills a 2048-bin histogram of |x| on [0, max] per tensor. No tensor's values outlive their batch.
/// Batches hold <see cref="CalibrationSettings.BatchSize"/> samples where the inputs' batch dimension is
/// symbolic, else the model's fixed batch; with a fixed batch, a last batch smaller than it cannot run and is
/// left out (<see cref="ActivationRanges.Samples"/> says how many samples were used).
/// </summary>
public static class Calibrator
{
    public static ActivationRanges Collect(LoadedModel fp32Model, IReadOnlyList<string> tensors, IDataSet data, CalibrationSettings settings)
    {
        settings.Check();
        var graph = new ModelGraph(fp32Model.Model, fp32Model.Path);
        CheckTensors(graph, tensors, fp32Model);
        var inputs = graph.Inputs.Select(InputSignature.From).ToList();
        var fixedBatch = inputs.Select(i => i.Dims is { Length: > 0 } d ? d[0] : null).FirstOrDefault(d => d is not null);
        var batchSize = fixedBatch is { } b ? checked((int)b) : (int)Math.Min(settings.BatchSize, settings.MaxSamples ?? long.MaxValue);

        using var runtime = new OrtModel(WithOutputs(graph, tensors), fp32Model.ExternalData, path: fp32Model.Path);
        var max = new double[tensors.Count];
        var samples = Run(runtime, tensors, inputs, data, settings, batchSize, fixedBatch is not null, (i, values) =>
        {
            foreach (var v in values)
            {
                if (!float.IsFinite(v)) throw new CodesignException(ErrorCodes.CalibrationNonFinite, $"tensor '{tensors[i]}' takes the value {v} on the calibration data", data.Path);
                max[i] = Math.Max(max[i], Math.Abs((double)v));
            }
        });
        if (samples == 0)
        {
            var why = fixedBatch is { } f ? $" (the model's batch is fixed at {f} and the data set holds {data.Count})" : "";
            throw new CodesignException(ErrorCodes.CalibrationNoData, $"the calibration data gave no sample to run{why}", data.Path);
        }
        if (settings.Method == CalibrationMethod.MinMax) return Ranges(tensors, i => max[i], samples);

        var histograms = max.Select(m => new AbsHistogram(m)).ToArray();
        Run(runtime, tensors, inputs, data, settings, batchSize, fixedBatch is not null, (i, values) => histograms[i].Add(values));
        return settings.Method == CalibrationMethod.Percentile
            ? Ranges(tensors, i => histograms[i].Percentile(settings.Percentile), samples)
            : Ranges(tensors, i => EntropyThreshold.Of(histograms[i]), samples);
    }

    private static ActivationRanges Ranges(IReadOnlyList<string> tensors, Func<int, double> amax, long samples) =>
        new(tensors.Select((t, i) => (t, amax(i))).ToDictionary(p => p.t, p => p.Item2, StringComparer.Ordinal), samples);

    /// <summary>One pass over the data: every tensor's values of every batch go to <paramref name="take"/>; returns the samples used.</summary>
    private static long Run(OrtModel runtime, IReadOnlyList<string> tensors, IReadOnlyList<InputSignature> inputs, IDataSet data,
        CalibrationSettings settings, int batchSize, bool fixedBatch, Action<int, ReadOnlySpan<float>> take)
    {
        var limit = settings.MaxSamples ?? long.MaxValue;
        long used = 0;
        foreach (var batch in data.Batches(batchSize))
        {
            if (used >= limit) break;
            // A fixed batch runs whole or not at all; a symbolic one is cut at the sample limit.
            if (fixedBatch && batch.Count != batchSize) continue;
            var count = fixedBatch ? batch.Count : (int)Math.Min(batch.Count, limit - used);
            var feed = Feed(batch, inputs, count, data.Path);
            var outputs = runtime.Run(feed);
            for (var i = 0; i < tensors.Count; i++)
            {
                var tensor = outputs.TryGetValue(tensors[i], out var o) ? o : feed[tensors[i]];
                take(i, MemoryMarshal.Cast<byte, float>(tensor.Bytes.AsSpan()));
            }
            used += count;
        }
        return used;
    }

    /// <summary>The batch's tensors for the model's inputs, cut to <paramref name="count"/> samples, checked against the declared types and shapes.</summary>
    private static Dictionary<string, TensorData> Feed(DataBatch batch, IReadOnlyList<InputSignature> inputs, int count, string file)
    {
        var feed = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (!batch.Inputs.TryGetValue(input.Name, out var tensor))
            {
                throw new CodesignException(ErrorCodes.CalibrationInputMissing,
                    $"the calibration data has no tensor for the model's input '{input.Name}' (it has {string.Join(", ", batch.Inputs.Keys)})", file);
            }
            var converted = tensor.ConvertTo(input.ElemType);
            if (converted is null || converted.Shape.Length == 0 || converted.Shape[0] != batch.Count || !input.Accepts(converted.Shape))
            {
                throw new CodesignException(ErrorCodes.CalibrationDataShape,
                    $"calibration batch at sample {batch.First} gives input '{input.Name}' as {tensor} for {batch.Count} samples, but the model declares {input}", file);
            }
            feed[input.Name] = count == batch.Count ? converted : FirstSamples(converted, count);
        }
        return feed;
    }

    private static TensorData FirstSamples(TensorData tensor, int count)
    {
        var shape = (long[])tensor.Shape.Clone();
        var bytes = tensor.Bytes.Length / tensor.Shape[0] * count;
        shape[0] = count;
        return new TensorData(tensor.ElemType, shape, tensor.Bytes.AsSpan(0, checked((int)bytes)).ToArray());
    }

    private static void CheckTensors(ModelGraph graph, IReadOnlyList<string> tensors, LoadedModel model)
    {
        ShapeInferenceResult? shapes = null;
        foreach (var t in tensors)
        {
            if (graph.ProducerOf(t) is null && !graph.IsRuntimeInput(t))
            {
                throw new CodesignException(ErrorCodes.CalibrationTensorMissing, $"tensor '{t}' to calibrate is neither a node's output nor a runtime input of the model", model.Path);
            }
            shapes ??= ShapeInference.Run(graph, null, model.ExternalData);
            if (shapes.TypeOf(t) is { } info && info.ElemType != ElementType.Float)
            {
                throw new CodesignException(ErrorCodes.CalibrationTensorType, $"tensor '{t}' to calibrate is {ElementType.Name(info.ElemType)}, not float32", model.Path);
            }
        }
    }

    /// <summary>A copy of the model whose outputs also give every tensor to calibrate that is computed in it.</summary>
    private static ModelProto WithOutputs(ModelGraph graph, IReadOnlyList<string> tensors)
    {
        var copy = graph.Model.Clone();
        var outputs = copy.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var t in tensors.Where(t => !graph.IsRuntimeInput(t) && outputs.Add(t)))
        {
            var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElementType.Float } };
            copy.Graph.Output.Add(new ValueInfoProto { Name = t, Type = type });
        }
        return copy;
    }
}
