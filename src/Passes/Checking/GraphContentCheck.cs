using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// A graph the tool can work on computes something: it has at least one node and at least one output.
/// An empty graph is valid protobuf (a damaged or truncated export often parses as one) but there is
/// nothing in it to analyse, cut or compile (ONNX Runtime loads a graph without outputs by pruning every
/// node, and a compile of one would emit a plan without parts).
/// </summary>
internal static class GraphContentCheck
{
    public static void Check(GraphProto graph, string? file)
    {
        if (graph.Node.Count == 0)
        {
            throw new CodesignException(ErrorCodes.GraphEmpty, "the graph has no nodes: there is nothing to analyse, cut or compile", file);
        }
        if (graph.Output.Count == 0)
        {
            throw new CodesignException(ErrorCodes.GraphEmpty, "the graph declares no outputs: it computes nothing", file);
        }
    }
}
