using Onnx;
using OnnxCoDesign.Compiler.Pipeline;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>The parts of a compiled plan as build-engines.sh takes them, each at its own (device's effective) precision.</summary>
public static class EnginePlan
{
    /// <param name="ranges">compile --shape-range: the profile of each ranged input, in the part that declares it dynamic (<see cref="ShapeRanges.Declare"/>).</param>
    public static IReadOnlyList<TrtexecPart> Parts(CompileOutcome o, IReadOnlyDictionary<string, ShapeRange>? ranges = null) => o.Plan.Parts
        .Where(p => p.File is not null)
        .Select(p => new TrtexecPart(p.File!, TrtexecScript.EngineFileFor(p.File!, p.Device), p.Device, p.Precision,
            p.Inputs.Select(i => Input(p.Model, i.Name, i.Shape, i.Type, ranges)).ToList())
        {
            OutputTypes = p.Outputs.Select(o => o.Type).ToList(),
        })
        .ToList();

    private static TrtexecInput Input(ModelProto? part, string name, long[] shape, string type, IReadOnlyDictionary<string, ShapeRange>? ranges)
    {
        var symbolic = DeclaredSymbolic(part, name);
        return new TrtexecInput(name, shape, symbolic, type) { Range = symbolic ? ranges?.GetValueOrDefault(name) : null };
    }

    /// <summary>
    /// Whether the part model itself still declares a dimension of the input symbolic. Parts are written with
    /// the bound sizes, so this is false for them; plan.json's `symbolic` says what the original model had.
    /// </summary>
    private static bool DeclaredSymbolic(ModelProto? part, string input) =>
        part?.Graph.Input.FirstOrDefault(i => i.Name == input)?.Type?.TensorType?.Shape?.Dim
            .Any(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue) ?? false;
}
