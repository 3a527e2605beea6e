namespace OnnxCoDesign.Tests.Triton;

/// <summary>
/// The part of Triton's model configuration schema a config.pbtxt is checked against, copied by hand from
/// triton-inference-server/common protobuf/model_config.proto (messages ModelConfig, ModelInput, ModelOutput,
/// ModelInstanceGroup; enums DataType and ModelInstanceGroup.Kind), not from the writer, so a field or enum value
/// the writer invents fails here.
/// </summary>
public static class TritonSchema
{
    public static readonly string[] ModelConfigFields =
    [
        "name", "platform", "backend", "runtime", "version_policy", "max_batch_size", "input", "output", "batch_input", "batch_output",
        "optimization", "dynamic_batching", "sequence_batching", "ensemble_scheduling", "instance_group", "default_model_filename",
        "cc_model_filenames", "metric_tags", "parameters", "model_warmup", "model_operations", "model_transaction_policy",
        "model_repository_agents", "response_cache",
    ];

    public static readonly string[] ModelInputFields =
        ["name", "data_type", "format", "dims", "reshape", "is_shape_tensor", "allow_ragged_batch", "optional", "is_non_linear_format_io"];

    public static readonly string[] ModelOutputFields =
        ["name", "data_type", "dims", "reshape", "label_filename", "is_shape_tensor", "is_non_linear_format_io"];

    public static readonly string[] InstanceGroupFields =
        ["name", "kind", "count", "rate_limiter", "gpus", "secondary_devices", "profile", "passive", "host_policy"];

    public static readonly string[] DataTypes =
    [
        "TYPE_INVALID", "TYPE_BOOL", "TYPE_UINT8", "TYPE_UINT16", "TYPE_UINT32", "TYPE_UINT64", "TYPE_INT8", "TYPE_INT16", "TYPE_INT32",
        "TYPE_INT64", "TYPE_FP16", "TYPE_FP32", "TYPE_FP64", "TYPE_STRING", "TYPE_BF16",
    ];

    public static readonly string[] InstanceKinds = ["KIND_AUTO", "KIND_GPU", "KIND_CPU", "KIND_MODEL"];

    /// <summary>platform → backend, as Triton's model_configuration.md pairs them for the two this tool writes.</summary>
    public static readonly Dictionary<string, string> Backends = new() { ["tensorrt_plan"] = "tensorrt", ["onnxruntime_onnx"] = "onnxruntime" };

    /// <summary>The ONNX element type each DataType names (model_configuration.md's table of data types).</summary>
    public static readonly Dictionary<string, int> OnnxTypes = new()
    {
        ["TYPE_BOOL"] = 9, ["TYPE_UINT8"] = 2, ["TYPE_UINT16"] = 4, ["TYPE_UINT32"] = 12, ["TYPE_UINT64"] = 13, ["TYPE_INT8"] = 3,
        ["TYPE_INT16"] = 5, ["TYPE_INT32"] = 6, ["TYPE_INT64"] = 7, ["TYPE_FP16"] = 10, ["TYPE_FP32"] = 1, ["TYPE_FP64"] = 11,
        ["TYPE_STRING"] = 8, ["TYPE_BF16"] = 16,
    };
}
