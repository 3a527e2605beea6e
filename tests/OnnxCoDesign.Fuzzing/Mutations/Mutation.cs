namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>
/// One way to damage a model. <paramref name="Class"/> groups mutations as issue 9's list does (names, dims,
/// tensor data, types, structure, attributes, external data, bytes), for the summary.
/// </summary>
public sealed record Mutation(string Name, string Class, Action<MutationContext> Apply);
