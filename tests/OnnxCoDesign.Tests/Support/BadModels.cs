using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Tests.Support;

/// <summary>Small models that are wrong in one way each, written as files for CLI tests.</summary>
public static class BadModels
{
    /// <summary>A valid two-node model: x → Relu → Sigmoid → y.</summary>
    public static ModelProto Valid()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 4);
        var r = b.Node("Relu", ["x"]);
        b.Output(b.Node("Sigmoid", [r]));
        return b.Build();
    }

    /// <summary>Relu reads Sigmoid's output and Sigmoid reads Relu's.</summary>
    public static ModelProto Cycle()
    {
        var model = Valid();
        var nodes = model.Graph.Node;
        nodes[0].Input[0] = nodes[1].Output[0];
        return model;
    }

    public static ModelProto UndefinedInput()
    {
        var model = Valid();
        model.Graph.Node[1].Input[0] = "nowhere";
        return model;
    }

    /// <summary>An operator no rule knows, whose output a Conv then needs.</summary>
    public static ModelProto UnknownOpShapeNeeded()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 3, 8, 8).Initializer("w", new float[4 * 3 * 9], 4, 3, 3, 3);
        b.NamedNode("mystery", "FancyOp", ["x"], ["f"]);
        b.Output(b.Node("Conv", ["f", "w"]));
        var model = b.Build();
        model.Graph.Node[0].Domain = "com.example";
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });
        return model;
    }

    /// <summary>The valid model with its weights moved to an external location of the caller's choosing.</summary>
    public static ModelProto WithExternalWeight(string location)
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 4).Initializer("w", new float[4], 1, 4);
        b.Output(b.Node("Add", ["x", "w"]));
        var model = b.Build();
        var w = model.Graph.Initializer[0];
        w.RawData = ByteString.Empty;
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "16" });
        return model;
    }

    public static void Write(ModelProto model, string path) => File.WriteAllBytes(path, model.ToByteArray());
}
