using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Partition;

/// <summary>
/// The declared type of a tensor at a part's boundary. A part is a standalone model, so its inputs and
/// outputs need element types and shapes: they come from shape inference. Where the original model
/// declared the same tensor with symbolic dimensions (dim_param, e.g. "batch"), those names are kept at the
/// positions it declared them, so a part is as flexible as the original there.
/// </summary>
internal static class BoundaryTypes
{
    public static ValueInfoProto For(string name, TensorInfo? inferred, ValueInfoProto? declared, string? file)
    {
        var declaredTensor = declared?.Type?.TensorType;
        if (inferred is null || inferred.ElemType == 0)
        {
            if (declaredTensor is not null && declaredTensor.ElemType != 0) return declared!.Clone();
            throw new CodesignException(ErrorCodes.UnknownOperatorShapeNeeded,
                $"tensor '{name}' crosses a part boundary, but its type is not known (no shape rule or value_info gives it)", file);
        }

        var tensor = new TypeProto.Types.Tensor { ElemType = inferred.ElemType };
        if (inferred.Dims is { } dims)
        {
            var declaredDims = declaredTensor?.Shape?.Dim;
            var shape = new TensorShapeProto();
            for (var i = 0; i < dims.Length; i++)
            {
                var symbol = declaredDims is not null && declaredDims.Count == dims.Length
                             && declaredDims[i].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam
                    ? declaredDims[i].DimParam
                    : "";
                // An unknown dimension (−1) is written with neither value nor name: any size is accepted.
                var dim = new TensorShapeProto.Types.Dimension();
                if (symbol.Length > 0) dim.DimParam = symbol;
                else if (dims[i] >= 0) dim.DimValue = dims[i];
                shape.Dim.Add(dim);
            }
            tensor.Shape = shape;
        }
        var result = new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
        if (!string.IsNullOrEmpty(declared?.DocString)) result.DocString = declared.DocString;
        return result;
    }
}
