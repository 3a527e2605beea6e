using System.Numerics;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>Numbers near the top of int64 in lengths and offsets, and nesting past protobuf's limit: coded errors with true numbers.</summary>
public sealed class WireFormatLimitTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>2^63 − 1 as a protobuf varint.</summary>
    private static readonly byte[] MaxLength = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F];

    [Theory]
    [InlineData(0x3A)] // graph (7, length-delimited): the reader's own walk
    [InlineData(0x42)] // opset_import (8): a field copied for protobuf
    public void RefusesALengthPrefixOfInt64MaxAsTruncated(byte tag)
    {
        // ir_version 7, then a field whose length claims 2^63 − 1 bytes: position + length would overflow.
        var path = _dir.Write("huge.onnx", [0x08, 0x07, tag, .. MaxLength]);
        var e = Refusal.ExpectLoad(ErrorCodes.Truncated, path);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void RefusesAnInitializerRawDataLengthOfInt64MaxAsTruncated()
    {
        // graph { initializer { raw_data: <2^63 − 1 bytes> } } with the graph's and initializer's lengths honest.
        byte[] tensor = [0x4A, .. MaxLength];
        byte[] graph = [0x2A, (byte)tensor.Length, .. tensor];
        var path = _dir.Write("huge-raw.onnx", [0x08, 0x07, 0x3A, (byte)graph.Length, .. graph]);
        Refusal.ExpectLoad(ErrorCodes.Truncated, path);
    }

    [Fact]
    public void ReportsTheRealEndWhenOffsetPlusLengthPassesInt64()
    {
        _dir.Write(ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);
        var offset = long.MaxValue - 10;
        var model = ExternalWeightModel.Write(_dir, ("location", ExternalWeightModel.DataFile), ("offset", $"{offset}"), ("length", "100"));
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataRange, model);
        var end = new BigInteger(offset) + 100;
        Assert.Contains($"bytes {offset}..{end} of", e.Message);
        Assert.DoesNotContain("-", e.Message.Replace(ExternalWeightModel.DataFile, ""));
    }

    [Fact]
    public void ReportsTheRealEndWhenTheLengthAloneIsInt64Max()
    {
        _dir.Write(ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);
        var model = ExternalWeightModel.Write(_dir, ("location", ExternalWeightModel.DataFile), ("offset", "5"), ("length", $"{long.MaxValue}"));
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataRange, model);
        Assert.Contains($"bytes 5..{new BigInteger(long.MaxValue) + 5} of", e.Message);
        Assert.Contains($"which has {ExternalWeightModel.WeightBytes.Length}", e.Message);
    }

    [Fact]
    public void RefusesNestingPastProtobufsLimitWithItsOwnMessage()
    {
        // Subgraphs within subgraphs, 60 deep: each level is three messages (graph, node, attribute).
        var inner = new GraphProto { Name = "g0" };
        for (var level = 1; level <= 60; level++)
        {
            var outer = new GraphProto { Name = $"g{level}" };
            outer.Node.Add(Holding(inner, $"n{level}"));
            inner = outer;
        }
        var model = TinyModels.ConvRelu();
        model.Graph.Node.Add(Holding(inner, "deep"));
        var e = Refusal.ExpectLoad(ErrorCodes.ModelNestingTooDeep, _dir.Write("deep.onnx", model.ToByteArray()));
        Assert.DoesNotContain("SetRecursionLimit", e.Message);
        Assert.DoesNotContain("\n", e.Canonical);
    }

    private static NodeProto Holding(GraphProto graph, string name) => new()
    {
        Name = name,
        OpType = "If",
        Input = { "cond" },
        Output = { name + "_out" },
        Attribute = { new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = graph } },
    };
}
