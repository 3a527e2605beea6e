using System.Globalization;
using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// A runtime input as the model declares it: name, element type, and each dimension (null where it is
/// symbolic or missing). <see cref="Dims"/> is null when the input declares no shape at all.
/// </summary>
public sealed record InputSignature(string Name, int ElemType, long?[]? Dims)
{
    /// <summary>The runtime inputs of a model (initializers listed as inputs are left out).</summary>
    public static IReadOnlyList<InputSignature> Of(ModelProto model, string? path = null) =>
        new ModelGraph(model, path).Inputs.Select(From).ToList();

    public static InputSignature From(ValueInfoProto input)
    {
        var type = input.Type?.TensorType;
        var dims = type?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue >= 0 ? d.DimValue : (long?)null).ToArray();
        return new InputSignature(input.Name, type?.ElemType ?? 0, dims);
    }

    public string ShapeText => Dims is null ? "?" : "[" + string.Join(",", Dims.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? "?")) + "]";

    public override string ToString() => $"{ElementType.Name(ElemType)}{ShapeText}";

    /// <summary>Whether a concrete shape fits: same rank, and equal wherever a dimension is fixed.</summary>
    public bool Accepts(IReadOnlyList<long> shape) =>
        Dims is null || (Dims.Length == shape.Count && Dims.Zip(shape).All(p => p.First is null || p.First == p.Second));
}
