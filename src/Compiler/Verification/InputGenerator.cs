using System.Buffers.Binary;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Seeding;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// Seeded, deterministic inputs. One SplitMix64 stream (<see cref="SeededStream"/>) per seed fills the
/// samples in order, and within a sample the inputs in graph order, element by element; so the same seed
/// gives the same inputs on every platform, and sample k does not depend on how many samples are asked for.
/// Values: float and double uniform in [-1, 1) from the top 24 bits (k/2^23 − 1, exact in float);
/// float16 from the top 11 bits (k/2^10 − 1, exact in half), bfloat16 from the top 8 (k/2^7 − 1); uint8 uniform in [0, 255] (pixel-like);
/// other integers in [0, 7]; bool 0 or 1.
/// </summary>
public static class InputGenerator
{
    public const long SmallIntegerLimit = 8;

    /// <summary>
    /// The most bytes one generated input may take: the largest array .NET allocates (just under 2 GiB). Shapes
    /// past it (<c>verify --shape batch=1048576</c> on a 224×224 model) are refused with OCD1309 before any
    /// input is allocated; give such inputs with --data or verify at a smaller batch.
    /// </summary>
    public static long MaxInputBytes => Array.MaxLength;

    /// <summary>
    /// The runtime inputs of a model with concrete types and shapes, from shape inference with the user's
    /// bindings (unbound symbolic dimensions become 1 with warning OCW2001, returned in the diagnostics).
    /// </summary>
    public static (IReadOnlyList<(string Name, TensorInfo Type)> Inputs, IReadOnlyList<Diagnostic> Warnings) ResolveInputs(LoadedModel model, ShapeBindings bindings)
    {
        var graph = new ModelGraph(model.Model, model.Path);
        var shapes = ShapeInference.Run(graph, bindings, model.ExternalData);
        var inputs = graph.Inputs.Select(i => (i.Name, shapes.Types[i.Name])).ToList();
        var warnings = shapes.Diagnostics.Items.Where(d => d.Code == WarningCodes.SymbolicDimensionDefaulted).ToList();
        return (inputs, warnings);
    }

    public static IReadOnlyList<IReadOnlyDictionary<string, TensorData>> Generate(IReadOnlyList<(string Name, TensorInfo Type)> inputs, int count, ulong seed)
    {
        foreach (var (name, type) in inputs) CheckGeneratable(name, type);
        var gen = new SeededStream(seed);
        var samples = new List<IReadOnlyDictionary<string, TensorData>>(count);
        for (var k = 0; k < count; k++)
        {
            var sample = new Dictionary<string, TensorData>(StringComparer.Ordinal);
            foreach (var (name, type) in inputs) sample[name] = Random(name, type, gen);
            samples.Add(sample);
        }
        return samples;
    }

    /// <summary>Refuses an input that cannot be generated (unknown shape, non-numeric, or past <see cref="MaxInputBytes"/>).</summary>
    private static void CheckGeneratable(string name, TensorInfo type)
    {
        if (!type.IsFullyKnown || !TensorData.IsNumeric(type.ElemType))
        {
            throw new CodesignException(ErrorCodes.DataUnsupportedType, $"cannot generate input '{name}' of type {type}: give it with --data");
        }
        var bytes = TensorBounds.ByteCount(type.Dims!, type.ElemType);
        if (bytes > MaxInputBytes)
        {
            throw new CodesignException(ErrorCodes.GeneratedInputTooLarge,
                $"input '{name}' {type} would take {bytes} bytes to generate, past the {MaxInputBytes} one input may take; verify at a smaller batch, or give it with --data");
        }
    }

    private static TensorData Random(string name, TensorInfo type, SeededStream gen)
    {
        CheckGeneratable(name, type);
        var size = ElementType.SizeOf(type.ElemType);
        var count = type.Elements!.Value;
        var bytes = new byte[checked(count * size)];
        for (long i = 0; i < count; i++)
        {
            var dst = bytes.AsSpan((int)(i * size), size);
            var bits = gen.NextUInt64();
            switch (type.ElemType)
            {
                case ElementType.Float16:
                    BinaryPrimitives.WriteHalfLittleEndian(dst, (Half)((bits >> 53) * (1.0 / 1024) - 1.0));
                    break;
                case ElementType.BFloat16:
                    TensorData.TryWrite(ElementType.BFloat16, (bits >> 56) * (1.0 / 128) - 1.0, dst);
                    break;
                case var t when ElementType.IsFloat(t):
                    TensorData.TryWrite(t, (bits >> 40) * (1.0 / (1 << 23)) - 1.0, dst);
                    break;
                case ElementType.Bool:
                    dst[0] = (byte)(bits >> 63);
                    break;
                case ElementType.UInt8:
                    dst[0] = (byte)(bits >> 56);
                    break;
                default:
                    TensorData.TryWrite(type.ElemType, (double)(bits >> 61), dst);
                    break;
            }
        }
        return new TensorData(type.ElemType, type.Dims!, bytes);
    }
}
