namespace OnnxCoDesign.Compiler.Devices.Import;

/// <summary>
/// One kernel of the part as the cost model times it: its anchor's name and op type (its efficiency class),
/// its nodes, FLOPs (null when unknown) and bytes at the model's element type; Free kernels (Reshape, Flatten,
/// Identity, …) cost nothing and launch nothing.
/// </summary>
public sealed record PartKernel(string Name, string OpType, IReadOnlyList<string> Nodes, long? Flops, long Bytes, bool Free);
