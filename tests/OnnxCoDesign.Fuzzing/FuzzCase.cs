using OnnxCoDesign.Fuzzing.Models;
using OnnxCoDesign.Fuzzing.Mutations;

namespace OnnxCoDesign.Fuzzing;

/// <summary>
/// One fuzzed input: which base model, which mutations (applied in order), and the seed that reproduces it.
/// <see cref="Reproducer"/> is what a finding reports; `--replay SEED` on the fuzz job rebuilds exactly this input.
/// </summary>
public sealed record FuzzCase(int Index, ulong Seed, string BaseModel, IReadOnlyList<string> Mutations)
{
    public string MutationName => string.Join("+", Mutations);

    public string Reproducer => $"--replay 0x{Seed:X16} ({BaseModel}, {MutationName})";

    /// <summary>Input <paramref name="index"/> of the campaign seeded <paramref name="campaignSeed"/>.</summary>
    public static FuzzCase Generate(ulong campaignSeed, int index) => FromSeed(FuzzRandom.ForCase(campaignSeed, index), index);

    /// <summary>Share of inputs whose mutation is random byte damage rather than a structure-aware one.</summary>
    public const double ByteDamageShare = 0.2;

    /// <summary>
    /// The choice of base model and mutations from the input's own seed: byte damage for a fifth of the inputs, a
    /// structure-aware mutation (uniform over them) for the rest; one input in six stacks a second mutation.
    /// </summary>
    public static FuzzCase FromSeed(ulong seed, int index = 0)
    {
        var r = new FuzzRandom(seed);
        var baseModel = r.PickFrom(BaseModels.Names);
        var chosen = new List<Mutation> { Draw(r) };
        if (r.Chance(1.0 / 6)) chosen.Add(Draw(r));
        var ordered = chosen.OrderBy(MutationCatalog.IsByteLevel).Select(m => m.Name).ToList();
        return new FuzzCase(index, seed, baseModel, ordered);
    }

    private static Mutation Draw(FuzzRandom r) =>
        r.Chance(ByteDamageShare) ? r.PickFrom(MutationCatalog.ByteLevel) : r.PickFrom(MutationCatalog.Structural);

    /// <summary>Builds the base model and applies the mutations; nothing is written yet.</summary>
    public MutationContext Materialize(string caseFolder)
    {
        // A stream of its own for the mutations, so the choice above and the edits below never shift each other.
        var random = new FuzzRandom(Seed ^ 0xD1B54A32D192ED03UL);
        var context = new MutationContext(BaseModels.Build(BaseModel, seed: 1 + Seed % 4), random, caseFolder);
        foreach (var name in Mutations) MutationCatalog.ByName(name).Apply(context);
        return context;
    }
}
