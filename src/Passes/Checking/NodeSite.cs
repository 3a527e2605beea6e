using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>A node being checked, with what a message needs to name it.</summary>
internal sealed record NodeSite(NodeProto Node, string? File)
{
    /// <summary>The node's own name, or its operator when the export left the name empty (ONNX allows that).</summary>
    public string Label => Node.Name.Length > 0 ? $"node '{Node.Name}' ({Node.OpType})"
        : Node.Output.FirstOrDefault(o => o.Length > 0) is { } output ? $"the unnamed {Node.OpType} node writing '{output}'"
        : $"an unnamed {Node.OpType} node";

    public CodesignException Fail(string code, string message) => new(code, $"{Label}: {message}", File);
}
