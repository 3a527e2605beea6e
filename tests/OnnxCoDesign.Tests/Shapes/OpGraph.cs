using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>
/// Builds a small ModelProto for shape tests: runtime inputs, constant initializers and nodes at one opset.
/// It can infer shapes with <see cref="ShapeInference"/> and run the same model in ONNX Runtime (zero-filled
/// inputs), so a test can assert that the inferred shape of every graph output is the one ORT produced.
/// Self-contained on purpose: it does not depend on the model builder under src/Samples.
/// </summary>
internal sealed class OpGraph
{
    private readonly ModelProto _model;
    private readonly List<string> _outputs = new();

    public OpGraph(long opset)
    {
        Opset = opset;
        _model = new ModelProto { IrVersion = IrVersionFor(opset), ProducerName = "shape-tests", Graph = new GraphProto { Name = "g" } };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    public long Opset { get; }

    public ModelProto Model => _model;

    private GraphProto Graph => _model.Graph;

    /// <summary>A runtime float input.</summary>
    public OpGraph Input(string name, params long[] dims) => TypedInput(name, ElementType.Float, dims);

    public OpGraph TypedInput(string name, int elemType, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        Graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } });
        return this;
    }

    /// <summary>A runtime input with a symbolic (dim_param) dimension wherever <paramref name="dims"/> has null.</summary>
    public OpGraph SymbolicInput(string name, params string?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(long.TryParse(d, out var v) ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = d ?? "" });
        }
        Graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElementType.Float, Shape = shape } } });
        return this;
    }

    /// <summary>A 1-D int64 initializer (axes, shape, pads, starts …).</summary>
    public OpGraph Ints(string name, params long[] values) => Init(Tensors.Int64(name, [values.Length], values));

    /// <summary>A scalar int64 initializer.</summary>
    public OpGraph Scalar(string name, long value) => Init(Tensors.Int64(name, [], [value]));

    /// <summary>A 1-D float initializer (scales …).</summary>
    public OpGraph Floats(string name, params float[] values) => Init(Tensors.Float(name, [values.Length], values));

    /// <summary>A zero-filled float initializer of the given shape (weights, biases).</summary>
    public OpGraph Weight(string name, params long[] dims) => Init(Tensors.Zeros(name, ElementType.Float, dims));

    public OpGraph Init(TensorProto tensor)
    {
        Graph.Initializer.Add(tensor);
        return this;
    }

    public OpGraph Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{Graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return this;
    }

    /// <summary>Names the graph outputs; by default they are the last node's (non-empty) outputs.</summary>
    public OpGraph Outputs(params string[] names)
    {
        _outputs.AddRange(names);
        return this;
    }

    private IEnumerable<string> OutputNames => _outputs.Count > 0 ? _outputs : Graph.Node[^1].Output.Where(o => o.Length > 0);

    /// <summary>Runs shape inference on the model.</summary>
    public ShapeInferenceResult Infer(ShapeBindings? bindings = null)
    {
        // The outputs state no element type here: inference computes it (a declared one is checked against it).
        var model = WithOutputs(null, ElementType.Undefined);
        return ShapeInference.Run(new ModelGraph(model), bindings);
    }

    /// <summary>The model with its graph outputs declared (untyped: inference computes their types).</summary>
    public ModelProto WithGraphOutputs() => WithOutputs(null, ElementType.Undefined);

    /// <summary>The inferred dims of one tensor.</summary>
    public long[] Dims(string name) => Infer().Types[name].Dims!;

    /// <summary>Element type and shape of each graph output as ONNX Runtime computes them.</summary>
    public Dictionary<string, (int ElemType, long[] Dims)> RunOrt(ShapeInferenceResult? typed = null)
    {
        var model = WithOutputs(typed);
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model.ToByteArray(), options);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in Graph.Input)
            {
                var type = input.Type.TensorType;
                var dims = type.Shape.Dim.Select(d => d.DimValue).ToArray();
                var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)type.ElemType, dims);
                value.GetTensorMutableRawData().Clear();
                names.Add(input.Name);
                values.Add(value);
            }
            var outputNames = OutputNames.ToList();
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, names, values, outputNames);
            var produced = new Dictionary<string, (int, long[])>();
            for (var i = 0; i < outputNames.Count; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                produced[outputNames[i]] = ((int)info.ElementDataType, info.Shape);
            }
            return produced;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>Infers shapes, runs ORT, and asserts that every graph output has the type and shape ORT produced.</summary>
    public ShapeInferenceResult AssertMatchesOrt()
    {
        var result = Infer();
        foreach (var (name, (elemType, dims)) in RunOrt(result))
        {
            Assert.True(result.Types.TryGetValue(name, out var inferred), $"no type inferred for '{name}'");
            Assert.Equal(dims, inferred!.Dims);
            Assert.Equal(elemType, inferred.ElemType);
        }
        return result;
    }

    /// <summary>A copy whose graph outputs are declared; typed with the inferred element types for ORT.</summary>
    private ModelProto WithOutputs(ShapeInferenceResult? typed, int untyped = ElementType.Float)
    {
        var model = _model.Clone();
        foreach (var name in OutputNames)
        {
            var elemType = typed?.Types.GetValueOrDefault(name)?.ElemType ?? untyped;
            model.Graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType } } });
        }
        return model;
    }

    // The IR version each opset was released with; ORT checks the two together.
    private static long IrVersionFor(long opset) => opset switch
    {
        <= 9 => 4,
        10 => 5,
        <= 12 => 6,
        13 => 7,
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };
}

/// <summary>Small TensorProto factories for tests.</summary>
internal static class Tensors
{
    public static TensorProto Int64(string name, long[] dims, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = ElementType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        return t;
    }

    public static TensorProto Float(string name, long[] dims, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = ElementType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        return t;
    }

    public static TensorProto Zeros(string name, int elemType, long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = elemType };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(new byte[dims.Aggregate(1L, (a, d) => a * d) * ElementType.SizeOf(elemType)]);
        return t;
    }
}

/// <summary>Short attribute constructors over <see cref="NodeAttributes"/>.</summary>
internal static class Attr
{
    public static AttributeProto I(string name, long value) => NodeAttributes.Int(name, value);

    public static AttributeProto Is(string name, params long[] values) => NodeAttributes.Ints(name, values);

    public static AttributeProto F(string name, float value) => NodeAttributes.Float(name, value);

    public static AttributeProto Fs(string name, params float[] values) => NodeAttributes.Floats(name, values);

    public static AttributeProto S(string name, string value) => NodeAttributes.String(name, value);

    public static AttributeProto T(string name, TensorProto value) => NodeAttributes.Tensor(name, value);
}
