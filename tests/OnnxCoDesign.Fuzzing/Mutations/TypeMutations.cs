using Onnx;

namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>Element types undefined, unknown or inconsistent; opsets and IR versions out of range.</summary>
public static class TypeMutations
{
    private const string Class = "types";

    public static IEnumerable<Mutation> All { get; } =
    [
        new("elem-type-undefined", Class, c =>
        {
            if (PickValueInfo(c) is { Type.TensorType: { } t }) t.ElemType = 0;
        }),
        new("elem-type-out-of-range", Class, c =>
        {
            if (PickValueInfo(c) is { Type.TensorType: { } t }) t.ElemType = c.Random.Pick(99, -1, int.MaxValue, 25, 8);
        }),
        new("input-elem-type-changed", Class, c =>
        {
            // The image input as double, int64, uint8 or fp16 while the weights stay float.
            if (c.Graph.Input.Count > 0 && c.Graph.Input[0].Type?.TensorType is { } t) t.ElemType = c.Random.Pick(11, 7, 2, 10);
        }),
        new("value-type-missing", Class, c =>
        {
            if (PickValueInfo(c) is { } v) v.Type = c.Random.Chance(0.5) ? null : new TypeProto();
        }),
        new("value-info-conflicting", Class, c =>
        {
            // A value_info for an intermediate tensor with the wrong type or shape.
            if (c.PickNode() is not { Output.Count: > 0 } n) return;
            var info = OnnxCoDesign.Samples.TensorFactory.ValueInfo(n.Output[0], c.Random.Pick(1, 7, 11), c.Random.Chance(0.5) ? [1L, 5L] : [1L, 3L, 7L, 7L, 7L]);
            c.Graph.ValueInfo.Add(info);
        }),
        new("opset-extreme", Class, c =>
        {
            var version = c.Random.Pick(0L, -1L, 1L, 2L, 6L, 99L, 1L << 40, long.MaxValue, long.MinValue);
            foreach (var o in c.Model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx")) o.Version = version;
        }),
        new("opset-import-removed", Class, c => c.Model.OpsetImport.Clear()),
        new("opset-import-duplicated", Class, c =>
            c.Model.OpsetImport.Add(new OperatorSetIdProto { Domain = c.Random.Pick("", "ai.onnx"), Version = c.Random.Pick(7L, 13L, 21L) })),
        new("ir-version-extreme", Class, c => c.Model.IrVersion = c.Random.Pick(0L, -1L, 1L, 2L, 99L, 1L << 40, long.MinValue)),
    ];

    private static ValueInfoProto? PickValueInfo(MutationContext c)
    {
        var all = c.Graph.Input.Concat(c.Graph.Output).ToList();
        return all.Count == 0 ? null : c.Random.PickFrom(all);
    }
}
