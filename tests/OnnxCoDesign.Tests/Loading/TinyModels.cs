using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>
/// Small hand-built ONNX models for loader, saver and graph tests. Independent of src/Samples on
/// purpose: these tests must not break when the real model builder changes.
/// </summary>
internal static class TinyModels
{
    public static readonly long[] InputShape = [1, 3, 8, 8];
    public static readonly long[] OutputShape = [1, 16, 8, 8];

    /// <summary>X[1,3,8,8] → Conv(W[16,3,3,3], B[16], pads 1) → Relu → Y. W is 1728 bytes (big enough to go external), B 64 bytes.</summary>
    public static ModelProto ConvRelu(long opset = 13)
    {
        var graph = new GraphProto { Name = "conv_relu" };
        graph.Input.Add(Value("X", InputShape));
        graph.Initializer.Add(FloatTensor("W", Wave(16 * 3 * 3 * 3, 0.2f), 16, 3, 3, 3));
        graph.Initializer.Add(FloatTensor("B", Wave(16, 0.5f), 16));
        graph.Node.Add(Node("Conv", "conv", ["X", "W", "B"], ["Y0"],
            NodeAttributes.Ints("kernel_shape", 3, 3), NodeAttributes.Ints("pads", 1, 1, 1, 1)));
        graph.Node.Add(Node("Relu", "relu", ["Y0"], ["Y"]));
        graph.Output.Add(Value("Y", OutputShape));
        return Model(graph, opset);
    }

    public static ModelProto Model(GraphProto graph, long opset = 13)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "ocd-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>A model whose nodes are listed as given, with float inputs, outputs and initializers named by the caller.</summary>
    public static ModelProto Graph(string[] inputs, string[] outputs, params NodeProto[] nodes) =>
        Graph(inputs, outputs, [], nodes);

    public static ModelProto Graph(string[] inputs, string[] outputs, TensorProto[] initializers, params NodeProto[] nodes)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Input.AddRange(inputs.Select(n => Value(n, 1)));
        graph.Output.AddRange(outputs.Select(n => Value(n, 1)));
        graph.Initializer.AddRange(initializers);
        graph.Node.AddRange(nodes);
        return Model(graph);
    }

    public static NodeProto Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>A float tensor stored in raw_data (little-endian), the way exporters write weights.</summary>
    public static TensorProto FloatTensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = ElementType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    public static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElementType.Float, Shape = shape } },
        };
    }

    /// <summary>Deterministic values of both signs, different at every index.</summary>
    public static float[] Wave(int count, float scale) =>
        Enumerable.Range(0, count).Select(i => scale * MathF.Sin(0.7f * i + 0.3f)).ToArray();
}
