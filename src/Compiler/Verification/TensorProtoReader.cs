using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// Reads one serialized ONNX TensorProto (.pb, as onnx's test data and onnx.numpy_helper write them).
/// Values may sit in raw_data or the typed fields; a tensor that points at external data is refused,
/// since a data file has no model folder to resolve it against.
/// </summary>
public static class TensorProtoReader
{
    public static (string Name, TensorData Tensor) Read(string path) => Parse(DataFile.ReadAll(path), path);

    public static (string Name, TensorData Tensor) Parse(byte[] bytes, string? path = null)
    {
        TensorProto tensor;
        try
        {
            tensor = TensorProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            var truncated = e.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("ended unexpectedly", StringComparison.OrdinalIgnoreCase);
            throw new CodesignException(truncated ? ErrorCodes.DataTruncated : ErrorCodes.DataMalformed,
                truncated ? "the TensorProto ends in the middle of a field: it is truncated" : $"not an ONNX TensorProto: {e.Message}", path);
        }
        // Protobuf accepts many byte strings as some message; a tensor has a type.
        if (tensor.DataType == 0) throw new CodesignException(ErrorCodes.DataMalformed, "not an ONNX TensorProto: no data_type", path);
        if (!TensorData.IsNumeric(tensor.DataType))
        {
            throw new CodesignException(ErrorCodes.DataUnsupportedType, $"tensor element type {ElementType.Name(tensor.DataType)} is not supported", path);
        }
        if (ExternalDataReference.IsExternal(tensor))
        {
            throw new CodesignException(ErrorCodes.DataMalformed, "the tensor points at external data; store its values in the .pb file", path);
        }
        if (tensor.Dims.Any(d => d < 0)) throw new CodesignException(ErrorCodes.DataMalformed, "the tensor has a negative dimension", path);
        var expected = TensorValues.ByteCount(tensor) ?? 0;
        byte[] data;
        try
        {
            data = TensorValues.Bytes(tensor).ToArray();
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new CodesignException(ErrorCodes.DataTruncated, "the tensor's typed fields hold fewer values than its dims need", path);
        }
        if (data.Length != expected)
        {
            throw new CodesignException(data.Length < expected ? ErrorCodes.DataTruncated : ErrorCodes.DataMalformed,
                $"the tensor needs {expected} bytes for dims [{string.Join(",", tensor.Dims)}] but holds {data.Length}", path);
        }
        return (tensor.Name, new TensorData(tensor.DataType, tensor.Dims.ToArray(), data));
    }
}
