using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Partition;

/// <summary>
/// Seeded random DAGs for property tests of cutting and extraction: 5–12 nodes of Relu, Sigmoid, Add, Mul,
/// 1×1 Conv and Concat over one or two NCHW inputs, each node reading earlier tensors chosen at random (so
/// fan-in and fan-out vary, and skip connections span many cuts). Every tensor nobody reads becomes a graph
/// output, and sometimes a tensor that is also read later does too (a result produced early). Some convs
/// share their weight, so one initializer serves nodes on both sides of a cut.
/// </summary>
internal static class RandomDag
{
    private const long Height = 3, Width = 3;

    public static ModelProto Build(int seed)
    {
        var rng = new Random(seed);
        var weights = new WeightGenerator((ulong)seed + 1);
        var b = new OnnxModelBuilder($"dag{seed}");
        var pool = new List<(string Name, long Channels)>();
        var read = new HashSet<string>(StringComparer.Ordinal);
        var convWeights = new List<(string Name, long InChannels)>();

        var inputs = rng.Next(1, 3);
        for (var i = 0; i < inputs; i++)
        {
            long channels = i == 0 ? 4 : rng.Next(2) == 0 ? 4 : 8;
            b.Input($"x{i}", ElementType.Float, 1, channels, Height, Width);
            pool.Add(($"x{i}", channels));
        }

        var count = rng.Next(5, 13);
        for (var k = 0; k < count; k++)
        {
            var node = $"n{k}";
            var output = $"t{k}";
            // Half the time read one of the two newest tensors, so chains form as well as skips.
            (string Name, long Channels) Pick() => pool[rng.Next(2) == 0 ? rng.Next(Math.Max(0, pool.Count - 2), pool.Count) : rng.Next(pool.Count)];
            (string Name, long Channels) PickLike(long channels)
            {
                var same = pool.Where(p => p.Channels == channels).ToList();
                return same[rng.Next(same.Count)];
            }

            long outChannels;
            string[] args;
            var op = rng.Next(6);
            switch (op)
            {
                case 0 or 1:
                {
                    var a = Pick();
                    args = [a.Name];
                    outChannels = a.Channels;
                    b.NamedNode(node, op == 0 ? "Relu" : "Sigmoid", args, [output]);
                    break;
                }
                case 2 or 3:
                {
                    var a = Pick();
                    var c = PickLike(a.Channels);
                    args = [a.Name, c.Name];
                    outChannels = a.Channels;
                    b.NamedNode(node, op == 2 ? "Add" : "Mul", args, [output]);
                    break;
                }
                case 4:
                {
                    var a = Pick();
                    var shared = convWeights.Where(w => w.InChannels == a.Channels).ToList();
                    string w;
                    if (shared.Count > 0 && rng.Next(2) == 0)
                    {
                        w = shared[rng.Next(shared.Count)].Name;
                    }
                    else
                    {
                        w = $"w{k}";
                        b.Initializer(w, weights.Uniform(4 * a.Channels, -0.5, 0.5), 4, a.Channels, 1, 1);
                        convWeights.Add((w, a.Channels));
                    }
                    var bias = $"bias{k}";
                    b.Initializer(bias, weights.Bias(4), 4);
                    args = [a.Name, w, bias];
                    outChannels = 4;
                    b.NamedNode(node, "Conv", args, [output], Ints("kernel_shape", 1, 1));
                    break;
                }
                default:
                {
                    var parts = Enumerable.Range(0, rng.Next(2, 4)).Select(_ => Pick()).ToList();
                    while (parts.Sum(p => p.Channels) > 16) parts.RemoveAt(parts.Count - 1);
                    if (parts.Count == 1) parts.Add(parts[0]);
                    args = parts.Select(p => p.Name).ToArray();
                    outChannels = parts.Sum(p => p.Channels);
                    b.NamedNode(node, "Concat", args, [output], Int("axis", 1));
                    break;
                }
            }
            read.UnionWith(args);
            pool.Add((output, outChannels));
        }

        // Tensors nobody reads are results; the last node's output always is one.
        var nodeOutputs = pool.Skip(inputs).ToList();
        foreach (var (name, channels) in nodeOutputs)
        {
            var early = read.Contains(name) && rng.Next(5) == 0;
            if (!read.Contains(name) || early) b.Output(name, ElementType.Float, 1, channels, Height, Width);
        }
        return b.Build();
    }
}
