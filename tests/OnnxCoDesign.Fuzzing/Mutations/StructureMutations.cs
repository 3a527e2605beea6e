using Onnx;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>The graph's wiring: cycles, dangling and empty inputs, huge fan-in, missing outputs, odd and unknown ops, Constants, nesting.</summary>
public static class StructureMutations
{
    private const string Class = "structure";

    private static readonly string[] KnownOps =
        ["Conv", "Gemm", "Relu", "Add", "Concat", "MaxPool", "BatchNormalization", "Flatten", "Reshape", "Resize", "Identity", "Sigmoid", "Mul", "GlobalAveragePool", "Softmax", "Transpose", "Sum", "Split", "Slice", "Pad"];

    public static IEnumerable<Mutation> All { get; } =
    [
        new("cycle", Class, c =>
        {
            if (c.Graph.Node.Count < 2) return;
            int i = c.Random.Next(c.Graph.Node.Count - 1);
            int j = c.Random.Between(i + 1, c.Graph.Node.Count - 1);
            var early = c.Graph.Node[i];
            if (early.Input.Count > 0) early.Input[0] = c.Graph.Node[j].Output[0];
        }),
        new("self-loop", Class, c =>
        {
            if (c.PickNode(n => n.Input.Count > 0 && n.Output.Count > 0) is { Input.Count: > 0, Output.Count: > 0 } n) n.Input[0] = n.Output[0];
        }),
        new("dangling-input", Class, c =>
        {
            if (c.PickNode(n => n.Input.Count > 0) is { Input.Count: > 0 } n) n.Input[c.Random.Next(n.Input.Count)] = "nowhere_" + c.Random.Next(10);
        }),
        new("empty-required-input", Class, c =>
        {
            // "" means "omitted", which only optional inputs may be: a Conv's X or W, a Gemm's B, a BN's mean.
            if (c.PickNode(n => n.Input.Count > 1) is { Input.Count: > 0 } n) n.Input[c.Random.Next(Math.Min(2, n.Input.Count))] = "";
        }),
        new("thousands-of-inputs", Class, c =>
        {
            if (c.PickNode(n => n.OpType is "Concat" or "Add" or "Mul") is not { Input.Count: > 0 } n) return;
            int count = c.Random.Pick(1_000, 10_000, 100_000);
            n.Input.Add(Enumerable.Repeat(n.Input[0], count));
        }),
        new("node-outputs-removed", Class, c =>
        {
            // A BatchNormalization with no outputs crashed the BN fold (issue 9).
            if (c.PickNode("BatchNormalization") is { } n) n.Output.Clear();
        }),
        new("node-inputs-removed", Class, c => c.PickNode()?.Input.Clear()),
        new("constant-non-tensor", Class, c =>
        {
            // A Constant whose `value` is a float, a list of ints, a graph, or missing.
            var node = new NodeProto { Name = "fuzz_constant", OpType = "Constant" };
            node.Output.Add("fuzz_constant_out");
            var value = c.Random.Next(4) switch
            {
                0 => new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Float, F = 1f },
                1 => new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 2 } },
                2 => new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Graph, G = new GraphProto { Name = "g" } },
                _ => null,
            };
            if (value is not null) node.Attribute.Add(value);
            c.Graph.Node.Insert(0, node);
            if (c.Random.Chance(0.5) && c.PickNode("Add", "Mul") is { Input.Count: > 1 } consumer) consumer.Input[1] = "fuzz_constant_out";
        }),
        new("initializer-as-constant-node", Class, c =>
        {
            // Valid: an initializer moved into a Constant node's `value` tensor, as some exporters write weights.
            if (c.PickInitializer() is not { } t) return;
            c.Graph.Initializer.Remove(t);
            var node = new NodeProto { Name = "const_" + t.Name, OpType = "Constant" };
            node.Output.Add(t.Name);
            node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = t });
            c.Graph.Node.Insert(0, node);
        }),
        new("unknown-op", Class, c =>
        {
            if (c.PickNode() is { } n) n.OpType = c.Random.Pick("FancyOp", "", "conv", "Conv ", "CONV");
        }),
        new("unknown-domain-op", Class, c =>
        {
            if (c.PickNode() is not { } n) return;
            n.Domain = c.Random.Pick("com.example", "com.microsoft", "ai.onnx.ml");
            if (c.Random.Chance(0.5)) c.Model.OpsetImport.Add(new OperatorSetIdProto { Domain = n.Domain, Version = 1 });
        }),
        new("op-type-swapped", Class, c =>
        {
            if (c.PickNode() is { } n) n.OpType = c.Random.PickFrom(KnownOps);
        }),
        new("node-removed", Class, c =>
        {
            if (c.Graph.Node.Count > 0) c.Graph.Node.RemoveAt(c.Random.Next(c.Graph.Node.Count));
        }),
        new("node-duplicated", Class, c =>
        {
            if (c.PickNode() is not { } n) return;
            var copy = n.Clone();
            // Half the time the copy writes fresh tensors (a valid dead branch), else the same ones.
            if (c.Random.Chance(0.5)) for (int i = 0; i < copy.Output.Count; i++) copy.Output[i] += "_copy";
            c.Graph.Node.Insert(c.Graph.Node.IndexOf(n) + 1, copy);
        }),
        new("nodes-shuffled", Class, c =>
        {
            // ONNX wants topological order; loaders must sort or refuse, not misread.
            var nodes = c.Graph.Node.ToList();
            for (int i = nodes.Count - 1; i > 0; i--)
            {
                int j = c.Random.Next(i + 1);
                (nodes[i], nodes[j]) = (nodes[j], nodes[i]);
            }
            c.Graph.Node.Clear();
            c.Graph.Node.Add(nodes);
        }),
        new("graph-outputs-removed", Class, c => c.Graph.Output.Clear()),
        new("graph-output-undefined", Class, c =>
        {
            if (c.Graph.Output.Count > 0) c.Graph.Output[0].Name = "never_produced";
        }),
        new("graph-inputs-removed", Class, c => c.Graph.Input.Clear()),
        new("graph-nodes-removed", Class, c => c.Graph.Node.Clear()),
        new("graph-missing", Class, c => c.Model.Graph = null),
        new("deep-subgraph-nesting", Class, c =>
        {
            // Graphs inside attributes inside graphs, past protobuf's default recursion limit of 100 messages
            // (three per level: node, attribute, graph).
            int depth = c.Random.Pick(40, 120, 400);
            var inner = new GraphProto { Name = "leaf" };
            for (int d = 0; d < depth; d++)
            {
                var holder = new NodeProto { OpType = "If", Name = "nest" + d };
                holder.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = inner });
                inner = new GraphProto { Name = "level" + d };
                inner.Node.Add(holder);
            }
            var top = inner.Node[0];
            top.Input.Add(c.Graph.Input.Count > 0 ? c.Graph.Input[0].Name : "input");
            top.Output.Add("nested_out");
            c.Graph.Node.Add(top);
        }),
        new("subgraph-if", Class, c =>
        {
            // Valid: an If on a constant condition whose branches pass the first graph output through an Identity,
            // control flow the passes do not model.
            if (c.Graph.Output.Count == 0) return;
            var cond = TensorFactory.Raw("fuzz_cond", Passes.IR.ElementType.Bool, [1]);
            c.Graph.Initializer.Add(cond);
            var node = new NodeProto { OpType = "If", Name = "fuzz_if" };
            node.Input.Add("fuzz_cond");
            node.Output.Add("fuzz_if_out");
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = PassThrough(c.Graph.Output[0].Name, "then") });
            node.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = PassThrough(c.Graph.Output[0].Name, "else") });
            c.Graph.Node.Add(node);
            c.Graph.Output.Add(TensorFactory.ValueInfo("fuzz_if_out", Passes.IR.ElementType.Float, null));
        }),
        new("metadata-huge-string", Class, c =>
        {
            // Valid: a 1 MB doc string and many metadata entries.
            c.Graph.DocString = new string('d', 1 << 20);
            for (int i = 0; i < 2000; i++) c.Model.MetadataProps.Add(new StringStringEntryProto { Key = "k" + i, Value = "v" });
        }),
        new("name-with-odd-characters", Class, c =>
        {
            // Valid: tensor and node names with path separators, quotes, newlines and non-ASCII, renamed everywhere.
            if (c.PickNode(n => n.Output.Count > 0) is not { Output.Count: > 0 } n) return;
            var old = n.Output[0];
            var fresh = c.Random.Pick("../../fuzz-escape", "a\nb", "\"q\"", "名前", "x/y\\z", "<script>", "%s%n");
            n.Name = fresh;
            foreach (var other in c.Graph.Node) for (int i = 0; i < other.Input.Count; i++) if (other.Input[i] == old) other.Input[i] = fresh;
            foreach (var o in c.Graph.Output) if (o.Name == old) o.Name = fresh;
            n.Output[0] = fresh;
        }),
    ];

    /// <summary>A branch graph: Identity of an outer-scope tensor, as its only output.</summary>
    private static GraphProto PassThrough(string outer, string name)
    {
        var branch = new GraphProto { Name = name };
        var identity = new NodeProto { OpType = "Identity", Name = name + "_identity" };
        identity.Input.Add(outer);
        identity.Output.Add(name + "_out");
        branch.Node.Add(identity);
        branch.Output.Add(TensorFactory.ValueInfo(name + "_out", Passes.IR.ElementType.Float, null));
        return branch;
    }
}
