using Onnx;
using OnnxCoDesign.Compiler.Pipeline;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>The parts of a compiled plan as build-engines.sh takes them, each at its own (device's effective) precision.</summary>
public static class EnginePlan
{
    public static IReadOnlyList<TrtexecPart> Parts(CompileOutcome o) => o.Plan.Parts
        .Where(p => p.File is not null)
        .Select(p => new TrtexecPart(p.File!, TrtexecScript.EngineFileFor(p.File!, p.Device), p.Device, p.Precision,
            p.Inputs.Select(i => new TrtexecInput(i.Name, i.Shape, DeclaredSymbolic(p.Model, i.Name), i.Type)).ToList())
        {
            OutputTypes = p.Outputs.Select(o => o.Type).ToList(),
        })
        .ToList();

    /// <summary>
    /// Whether the part model itself still declares a dimension of the input symbolic. Parts are written with
    /// the bound sizes, so this is false for them; plan.json's `symbolic` says what the original model had.
    /// </summary>
    private static bool DeclaredSymbolic(ModelProto? part, string input) =>
        part?.Graph.Input.FirstOrDefault(i => i.Name == input)?.Type?.TensorType?.Shape?.Dim
            .Any(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue) ?? false;
}
