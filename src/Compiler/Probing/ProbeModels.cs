using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>
/// The small models the probe times, built with the sample builder (deterministic weights). Each holds one
/// kind of work, so its time over its FLOPs or bytes is a rate of this host as ONNX Runtime attains it.
/// Outputs are left for inference; every input is a float NCHW "x" (or a plain matrix "a").
/// </summary>
public static class ProbeModels
{
    /// <summary>a[m,k] · b[k,n] with b an initializer, in fp32 or fp16.</summary>
    public static ModelProto MatMul(long m, long k, long n, int elemType = ElementType.Float)
    {
        var b = new OnnxModelBuilder("probe_matmul");
        b.Input("a", elemType, m, k);
        var weights = new WeightGenerator(1).Uniform(k * n, -1, 1);
        b.Initializer(elemType == ElementType.Float16 ? Half("b", weights, k, n) : TensorFactory.Float("b", weights, k, n));
        b.Output(b.Node("MatMul", ["a", "b"]), elemType);
        return b.Build();
    }

    /// <summary>MatMulInteger: a[m,k] uint8 · b[k,n] int8 → int32 (the int8 GEMM ONNX Runtime's CPU provider has).</summary>
    public static ModelProto MatMulInteger(long m, long k, long n)
    {
        var b = new OnnxModelBuilder("probe_matmul_integer");
        b.Input("a", ElementType.UInt8, m, k);
        var bytes = new byte[k * n];
        new Random(1).NextBytes(bytes);
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)(sbyte)((bytes[i] % 255) - 127);
        b.Initializer(TensorFactory.Raw("b", ElementType.Int8, bytes, k, n));
        b.Output(b.Node("MatMulInteger", ["a", "b"]), ElementType.Int32);
        return b.Build();
    }

    /// <summary>One Conv (with bias) on a 1×C×H×W input.</summary>
    public static ModelProto Conv(long channels, long size, ConvSpec spec)
    {
        var (l, x) = new SampleOptions().Start("probe_conv", channels, size, size);
        l.Builder.Output(l.Conv(x, spec).Name);
        return l.Builder.Build();
    }

    /// <summary>One unary op (Relu, Sigmoid, GlobalAveragePool, …) on a 1×C×H×W input.</summary>
    public static ModelProto Unary(string op, long channels, long size)
    {
        var (l, x) = new SampleOptions().Start("probe_" + op.ToLowerInvariant(), channels, size, size);
        l.Builder.Output(l.Builder.Node(op, [x.Name]));
        return l.Builder.Build();
    }

    /// <summary>One binary op (Add, Mul) of two 1×C×H×W inputs, as a residual Add reads them.</summary>
    public static ModelProto Binary(string op, long channels, long size)
    {
        var (l, x) = new SampleOptions().Start("probe_" + op.ToLowerInvariant(), channels, size, size);
        l.Builder.Input("y", ElementType.Float, 1L, channels, size, size);
        l.Builder.Output(l.Builder.Node(op, [x.Name, "y"]));
        return l.Builder.Build();
    }

    /// <summary>MaxPool kernel/stride/pad on a 1×C×H×W input.</summary>
    public static ModelProto MaxPool(long channels, long size, int kernel, int stride, int pad)
    {
        var (l, x) = new SampleOptions().Start("probe_maxpool", channels, size, size);
        l.Builder.Output(l.MaxPool(x, kernel, stride, pad).Name);
        return l.Builder.Build();
    }

    /// <summary>A classifier layer: Gemm(transB=1) of a [1, in] input with an [out, in] weight.</summary>
    public static ModelProto Gemm(long inFeatures, long outFeatures)
    {
        var b = new OnnxModelBuilder("probe_gemm");
        b.Input("a", ElementType.Float, 1L, inFeatures);
        var l = new CnnLayers(b, new WeightGenerator(1));
        b.Output(l.Gemm("a", inFeatures, outFeatures));
        return b.Build();
    }

    /// <summary>
    /// <paramref name="nodes"/> Adds in a chain on a 1×16 tensor, each with its own constant (so no pass can
    /// merge them): all overhead, no work. The difference of two lengths gives the cost of one node.
    /// </summary>
    public static ModelProto AddChain(int nodes)
    {
        var b = new OnnxModelBuilder("probe_chain");
        b.Input("a", ElementType.Float, 1L, 16L);
        var x = "a";
        for (var i = 0; i < nodes; i++)
        {
            var c = b.Reserve($"c{i}");
            b.Initializer(c, Enumerable.Repeat(1f / (i + 2), 16).ToArray(), 1, 16);
            x = b.Node("Add", [x, c]);
        }
        b.Output(x);
        return b.Build();
    }

    private static TensorProto Half(string name, float[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]);
        return TensorFactory.Raw(name, ElementType.Float16, bytes, dims);
    }
}
