using Microsoft.ML.OnnxRuntime;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>Runs <see cref="TinyModels.ConvRelu"/>-shaped models in ONNX Runtime on one fixed input.</summary>
internal static class OrtOutputs
{
    public static float[] Input { get; } = TinyModels.Wave(1 * 3 * 8 * 8, 1.5f);

    public static float[] FromFile(string path)
    {
        using var session = new InferenceSession(path);
        return Run(session);
    }

    public static float[] FromBytes(byte[] model)
    {
        using var session = new InferenceSession(model);
        return Run(session);
    }

    private static float[] Run(InferenceSession session)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(Input, TinyModels.InputShape);
        using var options = new RunOptions();
        using var outputs = session.Run(options, ["X"], [input], ["Y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
