using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Loading.TinyModels;

namespace OnnxCoDesign.Tests.Loading.Checking;

/// <summary>
/// Valid small models for the checker's tests, each mutated by a test in one way, and the two oracles:
/// the tool's loader and ONNX Runtime's session constructor (which runs ONNX's checks on load).
/// </summary>
internal static class CheckedModels
{
    /// <summary>X[1,3,8,8] → Conv(W[4,3,3,3], B[4]) → BatchNormalization(scale, B, mean, var [4]) → Y.</summary>
    public static ModelProto ConvBn(long opset = 13, bool convBias = true)
    {
        var graph = new GraphProto { Name = "conv_bn" };
        graph.Input.Add(Value("X", 1, 3, 8, 8));
        graph.Initializer.Add(FloatTensor("W", Wave(4 * 27, 0.3f), 4, 3, 3, 3));
        if (convBias) graph.Initializer.Add(FloatTensor("Bc", Wave(4, 0.1f), 4));
        graph.Initializer.Add(FloatTensor("scale", [1f, 0.5f, 2f, 1.5f], 4));
        graph.Initializer.Add(FloatTensor("beta", [0.1f, -0.2f, 0.3f, 0f], 4));
        graph.Initializer.Add(FloatTensor("mean", [0f, 0.1f, -0.1f, 0.2f], 4));
        graph.Initializer.Add(FloatTensor("var", [1f, 2f, 0.5f, 1f], 4));
        string[] convInputs = convBias ? ["X", "W", "Bc"] : ["X", "W"];
        graph.Node.Add(Node("Conv", "conv", convInputs, ["C"], NodeAttributes.Ints("pads", 1, 1, 1, 1)));
        graph.Node.Add(Node("BatchNormalization", "bn", ["C", "scale", "beta", "mean", "var"], ["Y"]));
        graph.Output.Add(Value("Y", 1, 4, 8, 8));
        return Model(graph, opset);
    }

    /// <summary>X[2,8] → Gemm(W[8,5], C) → Y[2,5], with C of the given dims (no C when null).</summary>
    public static ModelProto Gemm(long[]? cDims)
    {
        var graph = new GraphProto { Name = "gemm" };
        graph.Input.Add(Value("X", 2, 8));
        graph.Initializer.Add(FloatTensor("W", Wave(40, 0.2f), 8, 5));
        if (cDims is not null) graph.Initializer.Add(FloatTensor("C", Wave((int)cDims.Aggregate(1L, (a, b) => a * b), 0.5f), cDims));
        graph.Node.Add(Node("Gemm", "gemm", cDims is null ? ["X", "W"] : ["X", "W", "C"], ["Y"]));
        graph.Output.Add(Value("Y", 2, 5));
        return Model(graph);
    }

    /// <summary>Y = op(X0, …, Xn−1) over float [1] inputs.</summary>
    public static ModelProto Elementwise(string op, int inputs)
    {
        var names = Enumerable.Range(0, inputs).Select(i => $"x{i}").ToArray();
        return Graph(names, ["y"], Node(op, "n", names, ["y"]));
    }

    public static TensorProto Initializer(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name);

    public static NodeProto NodeNamed(ModelProto model, string name) => model.Graph.Node.Single(n => n.Name == name);

    public static string Write(ScratchDirectory dir, ModelProto model, string name = "model.onnx") => dir.Write(name, model.ToByteArray());

    /// <summary>Whether ONNX Runtime refuses to create a session for the model (its own checks run there).</summary>
    public static bool OrtRefuses(ModelProto model)
    {
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            using var session = new InferenceSession(model.ToByteArray(), options);
            return false;
        }
        catch (OnnxRuntimeException)
        {
            return true;
        }
    }

    /// <summary>
    /// Whether ONNX Runtime refuses the model or fails to run it on seeded inputs: some schema rules (a bias's
    /// shape) are checked by its kernels, not when the session is created.
    /// </summary>
    public static bool OrtFails(ModelProto model)
    {
        if (OrtRefuses(model)) return true;
        try
        {
            Building.OrtRunner.Run(model);
            return false;
        }
        catch (OnnxRuntimeException)
        {
            return true;
        }
    }

    public static void AssertOrtAccepts(ModelProto model) => Assert.False(OrtRefuses(model), "ONNX Runtime refuses the valid variant");

    public static void AssertOrtRuns(ModelProto model) => Assert.False(OrtFails(model), "ONNX Runtime fails on the valid variant");

    public static void AssertOrtFails(ModelProto model) => Assert.True(OrtFails(model), "ONNX Runtime runs the model the tool refuses");

    public static void AssertOrtRefuses(ModelProto model) => Assert.True(OrtRefuses(model), "ONNX Runtime accepts the model the tool refuses");
}
