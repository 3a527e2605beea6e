using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes;

/// <summary>
/// Element type and shape of a tensor. <see cref="Dims"/> is null when even the rank is unknown; a dim
/// of -1 is unknown (a data-dependent size that no constant folding could settle).
/// </summary>
public sealed record TensorInfo(int ElemType, long[]? Dims)
{
    public int Rank => Dims?.Length ?? -1;

    public bool IsFullyKnown => Dims is not null && Dims.All(d => d >= 0);

    /// <summary>
    /// Number of elements, or null when the shape is not fully known. Shape inference keeps every tensor it
    /// types under <see cref="TensorBounds.MaxBytes"/>, so this cannot overflow for those; it is checked anyway.
    /// </summary>
    public long? Elements => !IsFullyKnown ? null : Dims!.Contains(0) ? 0 : Dims!.Aggregate(1L, (a, d) => checked(a * d));

    /// <summary>Size in bytes, or null when the shape or the element size is not known.</summary>
    public long? Bytes => Elements is { } n && ElementType.SizeOf(ElemType) is var s and > 0 ? checked(n * s) : null;

    public string ShapeText => Dims is null ? "?" : "[" + string.Join(",", Dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    public override string ToString() => $"{ElementType.Name(ElemType)}{ShapeText}";

    public bool SameAs(TensorInfo other) =>
        ElemType == other.ElemType && (Dims is null ? other.Dims is null : other.Dims is not null && Dims.SequenceEqual(other.Dims));
}
