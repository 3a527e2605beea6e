using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>
/// One model in ONNX Runtime's CPU provider, set up for timing rather than checking (OrtModel is for that):
/// all graph optimizations, as deployment runs it; the intra-op threads of <see cref="TimingOptions"/>;
/// seeded inputs made once from the session's own input metadata (symbolic dimensions as 1) and kept as
/// ORT values, so a timed run is the session's Run and nothing else (no input copies, no output conversion).
/// <see cref="TimedBatch"/> decides which runs are timed.
/// </summary>
public sealed class TimedSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();

    public TimedSession(LoadedModel model, TimingOptions options)
    {
        var bytes = ModelBytes.ToArray(model.Model, model.ExternalData);
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.EffectiveThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        try
        {
            _session = new InferenceSession(bytes, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new CodesignException(ErrorCodes.RuntimeFailed, $"ONNX Runtime cannot load the model: {e.Message}", model.Path);
        }
        var meta = _session.InputMetadata;
        _inputNames = meta.Keys.ToArray();
        var types = _inputNames.Select(n => (n, new TensorInfo((int)meta[n].ElementDataType, meta[n].Dimensions.Select(d => d < 0 ? 1L : d).ToArray()))).ToList();
        var sample = InputGenerator.Generate(types, 1, 0)[0];
        _inputs = _inputNames.Select(n => ToOrtValue(sample[n])).ToArray();
        _outputNames = _session.OutputNames.ToArray();
        Threads = options.EffectiveThreads;
        Path = model.Path;
    }

    public int Threads { get; }

    private string? Path { get; }

    /// <summary>Seconds of one run.</summary>
    public double RunOnce()
    {
        try
        {
            var clock = Stopwatch.StartNew();
            using (var results = _session.Run(_runOptions, _inputNames, _inputs, _outputNames))
            {
                clock.Stop();
            }
            return clock.Elapsed.TotalSeconds;
        }
        catch (OnnxRuntimeException e)
        {
            throw new CodesignException(ErrorCodes.RuntimeFailed, $"ONNX Runtime failed to run the model: {e.Message}", Path);
        }
    }

    public void Dispose()
    {
        foreach (var v in _inputs) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static OrtValue ToOrtValue(TensorData tensor)
    {
        // ORT's TensorElementType numbers are ONNX's TensorProto.DataType numbers.
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (Microsoft.ML.OnnxRuntime.Tensors.TensorElementType)tensor.ElemType, tensor.Shape);
        tensor.Bytes.CopyTo(value.GetTensorMutableRawData());
        return value;
    }
}
