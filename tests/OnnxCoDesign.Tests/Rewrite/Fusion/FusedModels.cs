using System.Collections.Concurrent;
using Onnx;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>
/// fuse-branches results of the sample originals under one strategy for every block, computed once per run:
/// fusing RepVGG-A0 takes most of a second, and several tests look at the same result.
/// </summary>
internal static class FusedModels
{
    private static readonly ConcurrentDictionary<(string, FusionStrategy), Lazy<(ModelProto, FusionResult)>> _cache = new();

    /// <summary>The result of <see cref="Originals.RepVgg"/>(<paramref name="name"/>) under <paramref name="strategy"/>; callers must not edit it.</summary>
    public static (ModelProto Model, FusionResult Result) Get(string name, FusionStrategy strategy) =>
        _cache.GetOrAdd((name, strategy), key => new Lazy<(ModelProto, FusionResult)>(() => RewriteRun.Fuse(Originals.RepVgg(key.Item1), key.Item2))).Value;
}
