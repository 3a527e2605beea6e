using Onnx;

namespace OnnxCoDesign.Passes.IR;

/// <summary>A node of the graph IR: the NodeProto itself plus its place in the topological order.</summary>
public sealed class GraphNode
{
    internal GraphNode(NodeProto proto, int order, IReadOnlyList<string> implicitInputs, string name)
    {
        Proto = proto;
        Order = order;
        ImplicitInputs = implicitInputs;
        Name = name;
    }

    public NodeProto Proto { get; }

    /// <summary>Position in the topological order.</summary>
    public int Order { get; }

    /// <summary>
    /// The node's identity, unique in the graph: its own name, or a generated one when the export left it
    /// empty or an earlier node has it (ONNX requires neither); see <see cref="NodeIdentities"/>. It is the
    /// key of costs, plans and reports; the model's own name (<c>Proto.Name</c>) is never changed.
    /// </summary>
    public string Name { get; }

    public string OpType => Proto.OpType;

    /// <summary>Empty for the default ONNX domain ("" and "ai.onnx" both normalise to "").</summary>
    public string Domain => Proto.Domain is "ai.onnx" ? "" : Proto.Domain;

    /// <summary>Input names; an empty string stands for an omitted optional input.</summary>
    public IReadOnlyList<string> Inputs => Proto.Input;

    public IReadOnlyList<string> Outputs => Proto.Output;

    /// <summary>Outer-scope tensors read by subgraphs (If/Loop/Scan bodies).</summary>
    public IReadOnlyList<string> ImplicitInputs { get; }

    public string? Input(int i) => i < Proto.Input.Count && Proto.Input[i].Length > 0 ? Proto.Input[i] : null;

    public override string ToString() => $"{Name} ({OpType})";
}
