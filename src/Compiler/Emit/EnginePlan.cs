using OnnxCoDesign.Compiler.Pipeline;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>The parts of a compiled plan as build-engines.sh takes them.</summary>
public static class EnginePlan
{
    public static IReadOnlyList<TrtexecPart> Parts(CompileOutcome o) => o.Plan.Parts
        .Where(p => p.File is not null)
        .Select(p => new TrtexecPart(p.File!, TrtexecScript.EngineFileFor(p.File!, p.Device), p.Device, o.Settings.Precision,
            p.Inputs.Select(i => new TrtexecInput(i.Name, i.Shape, i.Symbolic)).ToList()))
        .ToList();
}
