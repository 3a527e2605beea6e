using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// Checks that the parts of a split model, run one after another, compute what the original computes
/// (DESIGN.md, "Verify": chained parts == original). The original runs once per sample; the chain keeps a
/// table of tensors by name (the sample's graph inputs, then each part's outputs as it runs) and feeds
/// every part its inputs from it by name, so a tensor produced early can reach any later part, as the
/// pipeline forwards it. Every output of the original is then taken from the table and compared with
/// <see cref="OutputComparison"/> under the same tolerance semantics as <see cref="ModelVerifier"/>.
/// </summary>
public static class ChainedVerifier
{
    /// <remarks>
    /// Inputs: <see cref="VerifyOptions.Samples"/>, else data files, else seeded generation from the original
    /// (as <see cref="ModelVerifier"/> does). <see cref="VerifyOptions.Precision"/> is not measured for a
    /// chain (the report's Precision is null). <see cref="VerifyReport.ExtraOutputs"/> lists part outputs that
    /// neither a later part reads nor the original outputs (dangling, usually a sign of a wrong split).
    /// </remarks>
    public static VerifyReport Compare(LoadedModel original, IReadOnlyList<LoadedModel> parts, VerifyOptions options) =>
        Compare(original, parts, options, original, null);

    /// <summary>
    /// The chain takes inputs shaped like <paramref name="chainInputs"/>'s (generated from it, or read against its
    /// signature), and the original runs on each sample passed through <paramref name="toReference"/>: how a chain
    /// that takes the camera's uint8 frames is checked against the float32 original fed the normalized frames.
    /// </summary>
    public static VerifyReport Compare(LoadedModel original, IReadOnlyList<LoadedModel> parts, VerifyOptions options, LoadedModel chainInputs,
        Func<IReadOnlyDictionary<string, TensorData>, IReadOnlyDictionary<string, TensorData>>? toReference)
    {
        if (parts.Count == 0) throw new ArgumentException("a chain needs at least one part", nameof(parts));
        var warnings = new List<Diagnostic>();
        var (samples, source) = Samples(chainInputs, options, warnings);
        if (samples.Count == 0) throw new CodesignException(ErrorCodes.DataInputUnmatched, "no input samples to run");

        List<IReadOnlyDictionary<string, TensorData>> reference;
        IReadOnlyList<string> names;
        using (var session = new OrtModel(original, options.Runtime))
        {
            names = session.OutputNames;
            reference = samples.Select(s => session.Run(toReference is null ? s : toReference(s))).ToList();
        }
        List<IReadOnlyDictionary<string, TensorData>> chained;
        using (var chain = new ModelChain(parts, options.Runtime))
        {
            chained = samples.Select(chain.Run).ToList();
        }

        var outputs = names.Select(name => chained[0].ContainsKey(name)
                ? OutputComparison.Compute(name, reference.Select(o => o[name]).ToList(), chained.Select(o => o[name]).ToList())
                : OutputComparison.Missing(name, reference[0][name].Shape, samples.Count))
            .ToList();
        var extra = Dangling(parts).Where(n => !names.Contains(n)).ToList();
        return new VerifyReport(source, samples.Count, options.Tolerance, outputs, extra, warnings, null);
    }

    private static (IReadOnlyList<IReadOnlyDictionary<string, TensorData>> Samples, string Source) Samples(
        LoadedModel original, VerifyOptions options, List<Diagnostic> warnings)
    {
        if (options.Samples is { } given) return (given, $"{given.Count} given input sample(s)");
        if (options.DataFiles.Count > 0)
        {
            var loaded = InputFiles.Load(options.DataFiles, InputSignature.Of(original.Model, original.Path));
            return (loaded, $"{loaded.Count} input sample(s) from data files");
        }
        var (inputs, inputWarnings) = InputGenerator.ResolveInputs(original, options.Bindings);
        warnings.AddRange(inputWarnings);
        var generated = InputGenerator.Generate(inputs, options.Inputs, options.Seed);
        return (generated, $"{generated.Count} seeded input sample(s), seed {options.Seed}");
    }

    /// <summary>Outputs of a part that no later part takes as input.</summary>
    private static IEnumerable<string> Dangling(IReadOnlyList<LoadedModel> parts)
    {
        var readLater = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        for (var k = parts.Count - 1; k >= 0; k--)
        {
            var graph = new ModelGraph(parts[k].Model, parts[k].Path);
            result.InsertRange(0, graph.Outputs.Select(o => o.Name).Where(o => !readLater.Contains(o)));
            readLater.UnionWith(graph.Inputs.Select(i => i.Name));
        }
        return result.Distinct();
    }
}

/// <summary>
/// Parts loaded in ONNX Runtime once, run in order on as many samples as needed. <see cref="Run"/> returns
/// the table of every tensor the chain saw: the sample's inputs and each part's outputs.
/// </summary>
public sealed class ModelChain : IDisposable
{
    private readonly List<(OrtModel Session, IReadOnlyList<InputSignature> Inputs, string Label)> _parts = new();

    public ModelChain(IReadOnlyList<LoadedModel> parts, OrtModelOptions? runtime = null)
    {
        try
        {
            for (var k = 0; k < parts.Count; k++)
            {
                var label = parts[k].Path ?? $"part {k}";
                _parts.Add((new OrtModel(parts[k], runtime), InputSignature.Of(parts[k].Model, parts[k].Path), label));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyDictionary<string, TensorData> Run(IReadOnlyDictionary<string, TensorData> sample)
    {
        var table = new Dictionary<string, TensorData>(sample, StringComparer.Ordinal);
        foreach (var (session, inputs, label) in _parts)
        {
            var feed = new Dictionary<string, TensorData>(StringComparer.Ordinal);
            foreach (var input in inputs)
            {
                if (!table.TryGetValue(input.Name, out var value))
                {
                    throw new CodesignException(ErrorCodes.DataInputUnmatched,
                        $"{label} needs '{input.Name}', which neither the inputs nor an earlier part provide", label);
                }
                if (value.ElemType != input.ElemType || !input.Accepts(value.Shape))
                {
                    throw new CodesignException(ErrorCodes.VerifyInputsDiffer,
                        $"{label} takes '{input.Name}' as {input}, but the chain has {ElementType.Name(value.ElemType)}{value.ShapeText}", label);
                }
                feed[input.Name] = value;
            }
            foreach (var (name, value) in session.Run(feed))
            {
                // SSA holds across parts as within a graph: a second producer means a wrong split.
                if (!table.TryAdd(name, value))
                {
                    throw new CodesignException(ErrorCodes.VerifyInputsDiffer, $"{label} outputs '{name}', which the chain already has", label);
                }
            }
        }
        return table;
    }

    public void Dispose()
    {
        foreach (var (session, _, _) in _parts) session.Dispose();
        _parts.Clear();
    }
}
