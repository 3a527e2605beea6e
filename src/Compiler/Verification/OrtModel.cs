using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>How ONNX Runtime runs a model for verification.</summary>
/// <param name="OptimizationLevel">ORT's graph optimizations; all by default, as deployment would run it.</param>
/// <param name="IntraOpThreads">1 by default: a single thread keeps reductions in one order, so runs repeat bit for bit.</param>
/// <param name="InMemoryLimit">Models larger than this (weights inline) reach ORT through a private temporary copy, not a byte array (see <see cref="OrtSessions"/>); lowered by tests.</param>
public sealed record OrtModelOptions(
    GraphOptimizationLevel OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    int IntraOpThreads = 1,
    long InMemoryLimit = ModelBytes.MaxInMemory)
{
    public static OrtModelOptions Default { get; } = new();
}

/// <summary>
/// One model loaded in ONNX Runtime's CPU provider. The model is handed over in memory with every weight
/// inline (<see cref="ModelBytes.ToArray"/>), so weights kept in files work and ORT never opens a path
/// the loader did not check; one over 2 GiB goes through a private copy (<see cref="OrtSessions"/>).
/// ORT failures become coded errors (OCD1509) with its message cut to one short line; ORT logs nothing itself.
/// </summary>
public sealed class OrtModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string? _path;

    public OrtModel(ModelProto model, ExternalDataStore? store = null, OrtModelOptions? options = null, string? path = null)
    {
        _path = path;
        options ??= OrtModelOptions.Default;
        using var sessionOptions = OrtEnvironment.QuietSessionOptions();
        sessionOptions.GraphOptimizationLevel = options.OptimizationLevel;
        sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
        sessionOptions.InterOpNumThreads = 1;
        sessionOptions.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
        _session = OrtSessions.Create(model, store, sessionOptions, path, options.InMemoryLimit);
        OutputNames = _session.OutputNames.ToArray();
        InputNames = _session.InputNames.ToArray();
    }

    public OrtModel(LoadedModel model, OrtModelOptions? options = null)
        : this(model.Model, model.ExternalData, options, model.Path)
    {
    }

    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The graph outputs in declaration order, the order <see cref="Run"/> returns them in.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Runs the model once; every output, by name, as a host tensor of the output's own type.</summary>
    public IReadOnlyDictionary<string, TensorData> Run(IReadOnlyDictionary<string, TensorData> inputs)
    {
        var names = new List<string>(inputs.Count);
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var (name, tensor) in inputs)
            {
                names.Add(name);
                values.Add(ToOrtValue(tensor));
            }
            using var runOptions = new RunOptions();
            using var results = _session.Run(runOptions, names, values, OutputNames.ToArray());
            var outputs = new Dictionary<string, TensorData>(StringComparer.Ordinal);
            for (var i = 0; i < OutputNames.Count; i++) outputs[OutputNames[i]] = FromOrtValue(OutputNames[i], results[i]);
            return outputs;
        }
        catch (OnnxRuntimeException e)
        {
            throw new CodesignException(ErrorCodes.RuntimeFailed, $"ONNX Runtime failed to run the model: {RuntimeMessage.Of(e)}", _path);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    public void Dispose() => _session.Dispose();

    private static OrtValue ToOrtValue(TensorData tensor)
    {
        // ORT's TensorElementType numbers are ONNX's TensorProto.DataType numbers.
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)tensor.ElemType, tensor.Shape);
        tensor.Bytes.CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    private TensorData FromOrtValue(string name, OrtValue value)
    {
        if (!value.IsTensor)
        {
            throw new CodesignException(ErrorCodes.RuntimeFailed, $"output '{name}' is a {value.OnnxType}, not a tensor; only tensor outputs can be compared", _path);
        }
        var info = value.GetTensorTypeAndShape();
        var type = (int)info.ElementDataType;
        if (!TensorData.IsNumeric(type))
        {
            throw new CodesignException(ErrorCodes.RuntimeFailed, $"output '{name}' has element type {info.ElementDataType}, which cannot be compared", _path);
        }
        return new TensorData(type, info.Shape, value.GetTensorMutableRawData().ToArray());
    }
}
