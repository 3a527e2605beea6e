using Onnx;
using OnnxCoDesign.Compiler.Devices;

namespace OnnxCoDesign.Compiler.Emit.Triton;

/// <summary>A tensor of a Triton model: its name, <c>DataType</c> (TYPE_FP32, …) and dims (−1 for a dimension the part leaves free).</summary>
public sealed record TritonTensor(string Name, string DataType, IReadOnlyList<long> Dims);

/// <summary>
/// The config.pbtxt of one part, as the fields of Triton's <c>ModelConfig</c> message it sets
/// (github.com/triton-inference-server/common, protobuf/model_config.proto: name, platform, backend,
/// default_model_filename, max_batch_size, input/output (ModelInput/ModelOutput: name, data_type, dims),
/// instance_group (ModelInstanceGroup: kind, count)). <see cref="TritonConfigText"/> writes it.
/// </summary>
public sealed record TritonConfig(
    string Name,
    string Platform,
    string Backend,
    string DefaultModelFilename,
    IReadOnlyList<TritonTensor> Inputs,
    IReadOnlyList<TritonTensor> Outputs,
    string InstanceKind)
{
    /// <summary>A TensorRT engine (Triton's TensorRT backend); the platform Triton names <c>tensorrt_plan</c>.</summary>
    public const string TensorRtPlatform = "tensorrt_plan";

    /// <summary>An ONNX model run by Triton's ONNX Runtime backend.</summary>
    public const string OnnxRuntimePlatform = "onnxruntime_onnx";

    /// <summary>
    /// Parts are compiled with every dimension bound, the batch included, so Triton is told the model does no
    /// batching of its own (max_batch_size 0) and the batch is the first of <c>dims</c>: a request carries
    /// exactly the shape the part was compiled for.
    /// </summary>
    public int MaxBatchSize => 0;

    /// <summary>
    /// The config of part <paramref name="name"/>, read from the part model as written (its graph inputs, not the
    /// initializers an old model lists among them, and its outputs): names, element types and dims are the part's own,
    /// so a tensor that crosses an fp16 or int8 wire, or the camera's uint8 frame, has the type the part declares.
    /// A device with TensorRT serves the engine build-engines.sh builds (KIND_GPU); one without serves the ONNX
    /// model in ONNX Runtime on its CPU (KIND_CPU).
    /// </summary>
    public static TritonConfig For(string name, ModelProto part, DeviceProfile device)
    {
        var initializers = part.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = part.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(v => Tensor(v, name)).ToList();
        var outputs = part.Graph.Output.Select(v => Tensor(v, name)).ToList();
        return device.TensorRtVersion is not null
            ? new TritonConfig(name, TensorRtPlatform, "tensorrt", TritonRepository.EngineFileName, inputs, outputs, "KIND_GPU")
            : new TritonConfig(name, OnnxRuntimePlatform, "onnxruntime", TritonRepository.OnnxFileName, inputs, outputs, "KIND_CPU");
    }

    private static TritonTensor Tensor(ValueInfoProto v, string part)
    {
        var tensor = v.Type?.TensorType;
        var dims = tensor?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1).ToList() ?? [];
        return new TritonTensor(v.Name, TritonDataTypes.Config(tensor?.ElemType ?? 0, v.Name, part), dims);
    }
}
