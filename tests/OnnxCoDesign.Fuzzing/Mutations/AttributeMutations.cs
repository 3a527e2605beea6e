using Google.Protobuf;
using Onnx;

namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>Attributes with extreme values, the wrong type or length, missing, repeated or unknown.</summary>
public static class AttributeMutations
{
    private const string Class = "attributes";

    private static readonly string[] Geometry = ["pads", "strides", "dilations", "kernel_shape", "group"];

    public static IEnumerable<Mutation> All { get; } =
    [
        new("pads-int64-min", Class, c =>
        {
            // −2^63 used to wrap to 0 silently (issue 9).
            if (Attribute(c, "pads", "Conv") is not { } a) return;
            for (int i = 0; i < a.Ints.Count; i++) if (i == 0 || c.Random.Chance(0.5)) a.Ints[i] = long.MinValue;
        }),
        new("geometry-attribute-extreme", Class, c =>
        {
            if (c.PickNode(n => n.Attribute.Any(a => Geometry.Contains(a.Name))) is not { } n) return;
            var candidates = n.Attribute.Where(a => Geometry.Contains(a.Name)).ToList();
            if (candidates.Count == 0) return;
            var a = c.Random.PickFrom(candidates);
            if (a.Type == AttributeProto.Types.AttributeType.Int) a.I = c.Random.ExtremeInt64();
            else if (a.Ints.Count > 0) a.Ints[c.Random.Next(a.Ints.Count)] = c.Random.ExtremeInt64();
        }),
        new("ints-attribute-wrong-length", Class, c =>
        {
            if (c.PickNode(n => n.Attribute.Any(a => a.Ints.Count > 0)) is not { } n) return;
            var list = n.Attribute.Where(a => a.Ints.Count > 0).ToList();
            if (list.Count == 0) return;
            var a = c.Random.PickFrom(list);
            if (c.Random.Chance(0.5)) a.Ints.RemoveAt(a.Ints.Count - 1);
            else a.Ints.Add(Enumerable.Repeat(1L, c.Random.Between(1, 5)));
        }),
        new("attribute-type-changed", Class, c =>
        {
            if (c.PickNode(n => n.Attribute.Count > 0) is not { } n || n.Attribute.Count == 0) return;
            var a = n.Attribute[c.Random.Next(n.Attribute.Count)];
            var name = a.Name;
            var replacement = c.Random.Next(6) switch
            {
                0 => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = 1.5f },
                1 => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("x") },
                2 => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = 2 },
                3 => Ints(name, 1, 2, 3),
                4 => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = OnnxCoDesign.Samples.TensorFactory.Float("t", [1f], 1) },
                _ => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Undefined },
            };
            n.Attribute[n.Attribute.IndexOf(a)] = replacement;
        }),
        new("attribute-removed", Class, c =>
        {
            if (c.PickNode(n => n.Attribute.Count > 0) is { Attribute.Count: > 0 } n) n.Attribute.RemoveAt(c.Random.Next(n.Attribute.Count));
        }),
        new("attribute-duplicated", Class, c =>
        {
            if (c.PickNode(n => n.Attribute.Count > 0) is not { Attribute.Count: > 0 } n) return;
            var copy = n.Attribute[c.Random.Next(n.Attribute.Count)].Clone();
            if (copy.Ints.Count > 0) copy.Ints[0] += 1;
            copy.I += 1;
            n.Attribute.Add(copy);
        }),
        new("attribute-unknown", Class, c =>
        {
            if (c.PickNode() is { } n) n.Attribute.Add(new AttributeProto { Name = "bogus_" + c.Random.Next(100), Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        }),
        new("conv-group-mismatch", Class, c =>
        {
            // A group count the channels do not divide by.
            if (Attribute(c, "group", "Conv") is { } a) a.I = c.Random.Pick(3L, 5L, 7L, 1000L);
        }),
    ];

    /// <summary>The attribute named <paramref name="name"/> of a random <paramref name="opType"/> node that has it.</summary>
    private static AttributeProto? Attribute(MutationContext c, string name, string opType)
    {
        var node = c.PickNode(n => n.OpType == opType && n.Attribute.Any(a => a.Name == name));
        return node?.Attribute.FirstOrDefault(a => a.Name == name);
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }
}
