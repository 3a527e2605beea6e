using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Benchmarks;

/// <summary>
/// The models bench/scaling.sh compiles, written by <c>dotnet run -c Release --project bench/OnnxCoDesign.Benchmarks -- scaling-model …</c>:
/// <list type="bullet">
/// <item><c>chain NODES OUT</c>: <see cref="ConvChain"/>, Conv 3×3 → Relu on an 8×8×8 map, NODES/2 pairs: node count, not FLOPs or weights, dominates.</item>
/// <item><c>big GIB OUT</c>: Conv 3×3 (1024→1024) → BatchNormalization → Relu on a 4×4 map, as many layers as make GIB GiB of
/// weights, every conv weight in OUT.data (external data: protobuf cannot hold 2 GiB in one message). The data file is
/// written in 1 MiB chunks, so the generator never holds the weights either.</item>
/// </list>
/// </summary>
internal static class ScalingModels
{
    private const int Channels = 1024;

    public static int Run(string[] args)
    {
        if (args.Length != 3) return Usage();
        switch (args[0])
        {
            case "chain":
                var chain = ConvChain.Build(Math.Max(1, int.Parse(args[1], CultureInfo.InvariantCulture) / 2));
                ModelSaver.Save(chain, args[2]);
                Console.WriteLine($"nodes {chain.Graph.Node.Count}");
                return 0;
            case "big":
                WriteBig(double.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
                return 0;
            default:
                return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: scaling-model chain NODES OUT.onnx | scaling-model big GIB OUT.onnx");
        return 2;
    }

    private static void WriteBig(double gib, string path)
    {
        long weightBytes = (long)Channels * Channels * 9 * 4;
        var layers = (int)Math.Ceiling(gib * (1L << 30) / weightBytes);
        var dataName = Path.GetFileName(path) + ".data";
        var b = new OnnxModelBuilder("big_chain");
        b.Input("x", ElementType.Float, 1L, Channels, 4L, 4L);
        var x = "x";
        using (var data = new FileStream(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, dataName), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            for (var i = 0; i < layers; i++)
            {
                var w = External($"conv{i}.weight", [Channels, Channels, 3, 3], dataName, data, seed: i);
                b.Initializer(w);
                b.Initializer($"conv{i}.bias", Fill(Channels, 0.01f), Channels);
                var y = b.NamedNode($"conv{i}", "Conv", [x, w.Name, $"conv{i}.bias"], [$"conv{i}_out"],
                    NodeAttributes.Ints("kernel_shape", 3, 3), NodeAttributes.Ints("pads", 1, 1, 1, 1))[0];
                b.Initializer($"bn{i}.scale", Fill(Channels, 1f), Channels);
                b.Initializer($"bn{i}.bias", Fill(Channels, 0f), Channels);
                b.Initializer($"bn{i}.mean", Fill(Channels, 0f), Channels);
                b.Initializer($"bn{i}.var", Fill(Channels, 1f), Channels);
                var z = b.NamedNode($"bn{i}", "BatchNormalization", [y, $"bn{i}.scale", $"bn{i}.bias", $"bn{i}.mean", $"bn{i}.var"], [$"bn{i}_out"],
                    NodeAttributes.Float("epsilon", 1e-5f))[0];
                x = b.NamedNode($"relu{i}", "Relu", [z], [$"relu{i}_out"])[0];
            }
        }
        b.Output(x, ElementType.Float, 1L, Channels, 4L, 4L);
        var model = b.Build();
        using (var file = File.Create(path)) model.WriteTo(file);
        Console.WriteLine($"nodes {model.Graph.Node.Count}");
    }

    private static float[] Fill(int n, float value) => Enumerable.Repeat(value, n).ToArray();

    /// <summary>A float32 tensor whose small pseudo-random values (±0.005) go to the data file, one chunk at a time.</summary>
    private static TensorProto External(string name, long[] dims, string location, Stream data, int seed)
    {
        var offset = data.Position;
        var count = dims.Aggregate(1L, (a, d) => a * d);
        var chunk = new byte[1 << 20];
        var state = (uint)(seed * 2654435761u + 1);
        for (long done = 0; done < count;)
        {
            var n = (int)Math.Min(chunk.Length / 4, count - done);
            for (var i = 0; i < n; i++)
            {
                state = state * 1664525u + 1013904223u;
                BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(i * 4), ((state >> 16) / 65536f - 0.5f) * 0.01f);
            }
            data.Write(chunk, 0, n * 4);
            done += n;
        }
        var tensor = new TensorProto { Name = name, DataType = ElementType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.AddRange(dims);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = (count * 4).ToString(CultureInfo.InvariantCulture) });
        return tensor;
    }
}
