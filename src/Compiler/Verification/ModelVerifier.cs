using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>What <see cref="ModelVerifier.Compare"/> runs the two models on, and how strictly it judges them.</summary>
public sealed record VerifyOptions
{
    /// <summary>Default relative tolerance for fp32 rewrites (DESIGN.md: "well under 1e-4").</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>How many seeded samples to generate when no data is given.</summary>
    public int Inputs { get; init; } = 4;

    public ulong Seed { get; init; }

    /// <summary>--data files or directories (see <see cref="InputFiles"/>); when given, nothing is generated.</summary>
    public IReadOnlyList<string> DataFiles { get; init; } = [];

    /// <summary>Samples prepared by the caller; take precedence over data files and generation.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, TensorData>>? Samples { get; init; }

    public ShapeBindings Bindings { get; init; } = ShapeBindings.Empty;

    /// <summary>Largest accepted relative error (normwise, see <see cref="OutputComparison"/>) of any output.</summary>
    public double Tolerance { get; init; } = DefaultTolerance;

    /// <summary>When set, also measure the candidate's deviation with weights rounded to this precision.</summary>
    public TargetPrecision? Precision { get; init; }

    public OrtModelOptions Runtime { get; init; } = OrtModelOptions.Default;
}

/// <summary>The outcome of one verification: per-output comparisons and, optionally, the precision deviation.</summary>
public sealed record VerifyReport(
    string InputSource,
    int Samples,
    double Tolerance,
    IReadOnlyList<OutputComparison> Outputs,
    IReadOnlyList<string> ExtraOutputs,
    IReadOnlyList<Diagnostic> Warnings,
    PrecisionReport? Precision)
{
    public bool Passed => Outputs.Count > 0 && Outputs.All(o => o.Passes(Tolerance));
}

/// <summary>
/// Checks that a rewritten model (fused, partitioned, re-exported) computes what the original computes:
/// both run in ONNX Runtime on the same inputs and every output of the original is compared by name.
/// Reusable by any command that rewrites a model (verify, fuse --verify, compile --verify).
/// </summary>
public static class ModelVerifier
{
    public static VerifyReport Compare(LoadedModel reference, LoadedModel candidate, VerifyOptions options)
    {
        var referenceInputs = InputSignature.Of(reference.Model, reference.Path);
        var candidateInputs = InputSignature.Of(candidate.Model, candidate.Path);
        CheckSameInputs(referenceInputs, candidateInputs, candidate.Path);

        var warnings = new List<Diagnostic>();
        IReadOnlyList<IReadOnlyDictionary<string, TensorData>> samples;
        string source;
        if (options.Samples is { } given)
        {
            samples = given;
            source = $"{given.Count} given input sample(s)";
        }
        else if (options.DataFiles.Count > 0)
        {
            samples = InputFiles.Load(options.DataFiles, referenceInputs);
            source = $"{samples.Count} input sample(s) from data files";
        }
        else
        {
            var (inputs, inputWarnings) = InputGenerator.ResolveInputs(reference, options.Bindings);
            warnings.AddRange(inputWarnings);
            samples = InputGenerator.Generate(inputs, options.Inputs, options.Seed);
            source = $"{samples.Count} seeded input sample(s), seed {options.Seed}";
        }
        if (samples.Count == 0) throw new CodesignException(ErrorCodes.DataInputUnmatched, "no input samples to run");
        CheckFits(samples, candidateInputs, candidate.Path);

        var (names, referenceOutputs) = RunAll(reference, samples, options.Runtime);
        var (candidateNames, candidateOutputs) = RunAll(candidate, samples, options.Runtime);
        var outputs = names.Select(name => candidateNames.Contains(name)
                ? OutputComparison.Compute(name, referenceOutputs.Select(o => o[name]).ToList(), candidateOutputs.Select(o => o[name]).ToList())
                : OutputComparison.Missing(name, referenceOutputs[0][name].Shape, samples.Count))
            .ToList();
        var extra = candidateNames.Where(n => !names.Contains(n)).ToList();

        var precision = options.Precision is { } p
            ? PrecisionDeviation.Measure(names, referenceOutputs, candidate, p, samples, options.Runtime)
            : null;
        return new VerifyReport(source, samples.Count, options.Tolerance, outputs, extra, warnings, precision);
    }

    private static (IReadOnlyList<string> Names, List<IReadOnlyDictionary<string, TensorData>> Outputs) RunAll(
        LoadedModel model, IReadOnlyList<IReadOnlyDictionary<string, TensorData>> samples, OrtModelOptions runtime)
    {
        using var session = new OrtModel(model, runtime);
        return (session.OutputNames, samples.Select(session.Run).ToList());
    }

    /// <summary>The rewritten model must take the original's inputs: same names and element types, compatible ranks.</summary>
    private static void CheckSameInputs(IReadOnlyList<InputSignature> reference, IReadOnlyList<InputSignature> candidate, string? file)
    {
        string List(IEnumerable<InputSignature> s) => string.Join(", ", s.Select(i => $"{i.Name} {i}"));
        var byName = candidate.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var r in reference)
        {
            if (!byName.TryGetValue(r.Name, out var c))
            {
                throw new CodesignException(ErrorCodes.VerifyInputsDiffer, $"the rewritten model has no input '{r.Name}' (its inputs: {List(candidate)})", file);
            }
            if (c.ElemType != r.ElemType || (c.Dims is not null && r.Dims is not null && c.Dims.Length != r.Dims.Length))
            {
                throw new CodesignException(ErrorCodes.VerifyInputsDiffer, $"input '{r.Name}' is {c} in the rewritten model but {r} in the original", file);
            }
        }
        var extra = candidate.Where(c => reference.All(r => r.Name != c.Name)).ToList();
        if (extra.Count > 0)
        {
            throw new CodesignException(ErrorCodes.VerifyInputsDiffer, $"the rewritten model has inputs the original lacks: {List(extra)}", file);
        }
    }

    private static void CheckFits(IReadOnlyList<IReadOnlyDictionary<string, TensorData>> samples, IReadOnlyList<InputSignature> inputs, string? file)
    {
        foreach (var input in inputs)
        {
            foreach (var sample in samples)
            {
                if (!sample.TryGetValue(input.Name, out var t))
                {
                    throw new CodesignException(ErrorCodes.DataInputUnmatched, $"no value for input '{input.Name}'", file);
                }
                if (!input.Accepts(t.Shape) || t.ElemType != input.ElemType)
                {
                    throw new CodesignException(ErrorCodes.VerifyInputsDiffer,
                        $"input '{input.Name}' {input} of the rewritten model does not accept {ElementType.Name(t.ElemType)}{t.ShapeText}", file);
                }
            }
        }
    }
}
