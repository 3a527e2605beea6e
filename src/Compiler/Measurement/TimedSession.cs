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

    /// <param name="profilePrefix">Where ONNX Runtime's profiler writes this session's events (a path prefix in a folder the
    /// caller owns; <see cref="EndProfiling"/> returns the file); null, the default, for no profiling.</param>
    public TimedSession(LoadedModel model, TimingOptions options, string? profilePrefix = null)
    {
        using var sessionOptions = OrtEnvironment.QuietSessionOptions();
        sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
        sessionOptions.IntraOpNumThreads = options.EffectiveThreads;
        sessionOptions.InterOpNumThreads = 1;
        sessionOptions.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
        // Idle intra-op threads spin by default, waiting for the next parallel section. Sessions timed in
        // turn (TimedBatch) then compete with each other's spinning pools: on 2 cores a whole RepVGG-A0 timed
        // right after another session took 2x as long as alone, and a 20 ms pause between them did not cure it
        // with 30 sessions. Without spinning, interleaved and back-to-back times agree. The price: a spinning
        // session is faster, by about 3 % on the whole RepVGG-A0 and up to 25 % on a lone 1024³ MatMul here;
        // probe and measure both run this way, so the profile and the measurements still agree.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (profilePrefix is not null)
        {
            sessionOptions.ProfileOutputPathPrefix = profilePrefix; // before EnableProfiling, which passes it to ORT
            sessionOptions.EnableProfiling = true;
        }
        _session = OrtSessions.Create(model.Model, model.ExternalData, sessionOptions, model.Path);
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
            throw new CodesignException(ErrorCodes.RuntimeFailed, $"ONNX Runtime failed to run the model: {RuntimeMessage.Of(e)}", Path);
        }
    }

    /// <summary>Ends profiling and returns the file of this session's events (sessions made with a profile prefix only).</summary>
    public string EndProfiling() => _session.EndProfiling();

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
