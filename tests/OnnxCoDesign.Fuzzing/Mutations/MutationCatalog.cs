namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>Every mutation, by name; byte-level ones last in a stack, since they end structural editing.</summary>
public static class MutationCatalog
{
    public static IReadOnlyList<Mutation> All { get; } =
    [
        .. NameMutations.All, .. DimMutations.All, .. AttributeMutations.All, .. TensorDataMutations.All,
        .. TypeMutations.All, .. StructureMutations.All, .. ExternalDataMutations.All, .. ByteMutations.All,
    ];

    public static IReadOnlyList<Mutation> ByteLevel { get; } = [.. ByteMutations.All];

    public static IReadOnlyList<Mutation> Structural { get; } = [.. All.Where(m => !ByteLevel.Contains(m))];

    public static Mutation ByName(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new ArgumentException($"unknown mutation '{name}'", nameof(name));

    public static bool IsByteLevel(Mutation m) => ByteLevel.Contains(m);
}
