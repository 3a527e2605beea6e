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
    /// A name unique in the graph: the node's own, or <c>OpType_order</c> when the export left it empty, or
    /// <c>name#order</c> when an earlier node already has it (ONNX does not require unique node names).
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
