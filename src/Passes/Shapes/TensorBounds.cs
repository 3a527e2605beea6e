using System.Numerics;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes;

/// <summary>
/// The largest tensor shape inference accepts: 2^40 bytes (1 TiB), several times the memory of any single
/// accelerator, so no model a device could run is refused, while a shape past it is a damaged or hostile
/// model (a dimension of 2^62, <c>--shape batch=2^40</c>), refused with OCD1308 before anything is
/// allocated or multiplied. With every typed tensor under the bound, element and byte counts stay 2^23
/// times inside int64, so the sums costs make of them cannot wrap; the products that can (FLOPs) are checked.
/// </summary>
public static class TensorBounds
{
    public const long MaxBytes = 1L << 40;

    /// <summary>The most dimensions a tensor may have (ONNX sets no limit; TensorRT takes 8).</summary>
    public const int MaxRank = 1024;

    /// <summary>Throws OCD1308 when <paramref name="info"/>, fully known, needs more than <see cref="MaxBytes"/>, or has more than <see cref="MaxRank"/> dims.</summary>
    /// <param name="what">The tensor as the message names it: "tensor 'y' of node 'conv1' (Conv)", "input 'x'".</param>
    public static void Check(TensorInfo info, string what, string? file)
    {
        if (info.Dims is { Length: > MaxRank } ranked)
        {
            throw new CodesignException(ErrorCodes.TensorTooLarge, $"{what} would have rank {ranked.Length}, past the {MaxRank} dimensions a tensor may have", file);
        }
        if (info.Dims is not { } dims || dims.Any(d => d < 0)) return;
        var bytes = ByteCount(dims, info.ElemType);
        if (bytes <= MaxBytes) return;
        throw new CodesignException(ErrorCodes.TensorTooLarge,
            $"{what} would be {info} = {bytes} bytes, past the {MaxBytes}-byte (1 TiB) bound on one tensor", file);
    }

    /// <summary>Exact bytes of a fully known shape (at least one byte per element, whatever the type), without overflow.</summary>
    public static BigInteger ByteCount(IEnumerable<long> dims, int elemType)
    {
        var n = BigInteger.One;
        foreach (var d in dims) n *= d;
        return n * Math.Max(1, ElementType.SizeOf(elemType));
    }
}
