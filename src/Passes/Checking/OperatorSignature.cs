using OnnxCoDesign.Passes.IR;
using static Onnx.AttributeProto.Types;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>Which element types an operator's type variable admits (a coarse reading of its schema's constraints).</summary>
internal enum TypeClass
{
    /// <summary>Any tensor element type.</summary>
    Any,
    /// <summary>Integers and floats: not string, bool or complex.</summary>
    Numeric,
    /// <summary>float16, float, double, bfloat16: what convolutions, pooling and normalisation compute in.</summary>
    Float,
    Bool,
    /// <summary>int32 or int64: indices.</summary>
    Indices,
    Int64Only,
}

/// <summary>
/// Input slots bound to one type variable of the schema: each statically known type must be in the class
/// and, when <paramref name="Same"/>, all of them equal. No slots means every input (variadic operators).
/// </summary>
internal sealed record TypeGroup(TypeClass Class, int[] Slots, bool Same = true)
{
    public static bool Admits(TypeClass c, int type) => c switch
    {
        TypeClass.Any => true,
        TypeClass.Numeric => type is not (ElementType.String or ElementType.Bool or 14 or 15),
        TypeClass.Float => type is ElementType.Float or ElementType.Float16 or ElementType.Double or ElementType.BFloat16,
        TypeClass.Bool => type == ElementType.Bool,
        TypeClass.Indices => type is ElementType.Int32 or ElementType.Int64,
        TypeClass.Int64Only => type == ElementType.Int64,
        _ => false,
    };

    public static string Describe(TypeClass c) => c switch
    {
        TypeClass.Numeric => "a numeric type",
        TypeClass.Float => "float16, float, double or bfloat16",
        TypeClass.Bool => "bool",
        TypeClass.Indices => "int32 or int64",
        TypeClass.Int64Only => "int64",
        _ => "a tensor type",
    };
}

/// <summary>
/// One version of an operator's schema as the checker reads it: input and output counts, the attributes it
/// requires and the type groups of its inputs. ONNX lists required inputs first, so the first
/// <see cref="MinInputs"/> slots must name a tensor; later (optional) ones may be omitted or given as "".
/// <see cref="Since"/> is the opset that introduced this version.
/// </summary>
internal sealed record OperatorSignature(
    int Since, int MinInputs, int MaxInputs, int MinOutputs, int MaxOutputs, string[] RequiredAttributes, TypeGroup[] Types);

/// <summary>An operator: its attributes' types (the same in every version) and its versions, oldest first.</summary>
internal sealed record OperatorEntry(string OpType, IReadOnlyDictionary<string, AttributeType> Attributes, IReadOnlyList<OperatorSignature> Versions)
{
    /// <summary>The version a model at <paramref name="opset"/> uses, or null when the operator is newer than that opset.</summary>
    public OperatorSignature? At(long opset) => Versions.LastOrDefault(v => v.Since <= opset);
}
