using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Loading;

namespace OnnxCoDesign.Tests.IR;

/// <summary>Shorthand for the small graphs the IR tests are made of (built on <see cref="TinyModels"/>).</summary>
internal static class GraphOf
{
    public static NodeProto Relu(string name, string input, string output) => TinyModels.Node("Relu", name, [input], [output]);

    public static NodeProto Add(string name, string a, string b, string output) => TinyModels.Node("Add", name, [a, b], [output]);

    public static ModelProto Model(string[] inputs, string[] outputs, params NodeProto[] nodes) => TinyModels.Graph(inputs, outputs, nodes);

    public static ModelGraph Build(string[] inputs, string[] outputs, params NodeProto[] nodes) => new(Model(inputs, outputs, nodes));

    /// <summary>An If on <paramref name="condition"/> whose branches both read <paramref name="outer"/> (only) from the enclosing graph.</summary>
    public static NodeProto IfReading(string name, string condition, string outer, string output)
    {
        var branch = new GraphProto { Name = name + "_then" };
        branch.Node.Add(Relu(name + "_inner", outer, name + "_y"));
        branch.Output.Add(TinyModels.Value(name + "_y", 1));
        var elseBranch = new GraphProto { Name = name + "_else" };
        elseBranch.Node.Add(Relu(name + "_inner2", outer, name + "_z"));
        elseBranch.Output.Add(TinyModels.Value(name + "_z", 1));
        return TinyModels.Node("If", name, [condition], [output],
            new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch },
            new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = elseBranch });
    }

    public static string[] Names(ModelGraph graph) => graph.Nodes.Select(n => n.Name).ToArray();
}
