using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Loading.Checking.CheckedModels;

namespace OnnxCoDesign.Tests.Loading.Checking;

/// <summary>Stored tensors: a defined type, no negative dims, values in one place and as many as the dims need.</summary>
public sealed class TensorRuleTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private CodesignException Refused(string code, ModelProto model, string named)
    {
        var e = Refusal.ExpectLoad(code, Write(_dir, model));
        Assert.Contains($"'{named}'", e.Message);
        return e;
    }

    [Fact]
    public void RefusesStringTypedWeightStoredAsRawData()
    {
        var model = TinyModels.ConvRelu();
        Initializer(model, "W").DataType = ElementType.String;
        Refused(ErrorCodes.TensorDataConflict, model, "W");
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesStringTypedWeightIntoConv()
    {
        var model = TinyModels.ConvRelu();
        var w = Initializer(model, "W");
        w.RawData = ByteString.Empty;
        w.DataType = ElementType.String;
        w.StringData.AddRange(Enumerable.Repeat(ByteString.CopyFromUtf8("w"), 16 * 27));
        var e = Refused(ErrorCodes.ElementTypeUnsupported, model, "W");
        Assert.Contains("'conv'", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesWeightWhoseDataTypeWasChangedToOneConvCannotTake()
    {
        var model = TinyModels.ConvRelu();
        Initializer(model, "W").DataType = ElementType.Int32; // same 4 bytes per element: only the type is wrong
        Refused(ErrorCodes.ElementTypeUnsupported, model, "W");
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesBiasOfAnotherFloatTypeThanTheInput()
    {
        var model = TinyModels.ConvRelu();
        var b = Initializer(model, "B");
        b.DataType = ElementType.Double;
        b.RawData = ByteString.CopyFrom(new byte[16 * 8]);
        var e = Refused(ErrorCodes.TypeMismatch, model, "B");
        Assert.Contains("double", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesFloatDataWhoseCountDoesNotMatchTheDims()
    {
        var model = TinyModels.ConvRelu();
        var b = Initializer(model, "B");
        b.RawData = ByteString.Empty;
        b.FloatData.AddRange([1f, 2f, 3f]);
        var e = Refused(ErrorCodes.TensorDataSize, model, "B");
        Assert.Contains("holds 3 values in float_data but its dims [16] need 16", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsFloatDataOfTheRightCount()
    {
        var model = TinyModels.ConvRelu();
        var b = Initializer(model, "B");
        var values = TinyModels.Wave(16, 0.5f);
        b.RawData = ByteString.Empty;
        b.FloatData.AddRange(values);
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtRuns(model);
    }

    [Fact]
    public void RefusesInt64DataOfTheWrongCount()
    {
        var model = TinyModels.ConvRelu();
        var shape = new TensorProto { Name = "shape", DataType = ElementType.Int64 };
        shape.Dims.Add(2);
        shape.Int64Data.AddRange([1L, -1L, 5L]);
        model.Graph.Initializer.Add(shape);
        Refused(ErrorCodes.TensorDataSize, model, "shape");
    }

    [Fact]
    public void RefusesUndefinedDataType()
    {
        var model = TinyModels.ConvRelu();
        Initializer(model, "W").DataType = 0;
        var e = Refused(ErrorCodes.TensorTypeInvalid, model, "W");
        Assert.Contains("UNDEFINED", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesDataTypeOnnxDoesNotDefine()
    {
        var model = TinyModels.ConvRelu();
        Initializer(model, "B").DataType = 99;
        Refused(ErrorCodes.TensorTypeInvalid, model, "B");
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesNegativeDimension()
    {
        var model = TinyModels.ConvRelu();
        var b = Initializer(model, "B");
        b.Dims.Clear();
        b.Dims.AddRange([-1, -16]);
        Refused(ErrorCodes.TensorDimsInvalid, model, "B");
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesRawDataBesideTypedData()
    {
        var model = TinyModels.ConvRelu();
        Initializer(model, "B").FloatData.AddRange(TinyModels.Wave(16, 0.5f));
        var e = Refused(ErrorCodes.TensorDataConflict, model, "B");
        Assert.Contains("float_data and raw_data", e.Message);
        // ONNX Runtime reads raw_data and ignores float_data; onnx.checker refuses the tensor.
    }

    [Fact]
    public void RefusesValuesInTheTypedFieldOfAnotherType()
    {
        var model = TinyModels.ConvRelu();
        var b = Initializer(model, "B");
        b.RawData = ByteString.Empty;
        b.Int64Data.AddRange(Enumerable.Repeat(1L, 16));
        var e = Refused(ErrorCodes.TensorDataConflict, model, "B");
        Assert.Contains("int64_data", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesInlineRawDataThatAlsoReferencesAnExternalFile()
    {
        _dir.Write("b.bin", new byte[64]);
        var model = TinyModels.ConvRelu();
        var b = Initializer(model, "B"); // 64 bytes: parsed inline
        b.DataLocation = TensorProto.Types.DataLocation.External;
        b.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "b.bin" });
        var e = Refused(ErrorCodes.TensorDataConflict, model, "B");
        Assert.Contains("raw_data and an external file", e.Message);
    }

    [Fact]
    public void RefusesLargeRawDataThatAlsoReferencesAnExternalFile()
    {
        // 8 KiB of raw_data is left in the file by the loader, which used to overwrite the tensor's own reference.
        var model = TinyModels.ConvRelu();
        var big = TinyModels.FloatTensor("big", TinyModels.Wave(2048, 1f), 2048);
        big.DataLocation = TensorProto.Types.DataLocation.External;
        big.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "big.bin" });
        model.Graph.Initializer.Add(big);
        _dir.Write("big.bin", new byte[2048 * 4]);
        Refused(ErrorCodes.TensorDataConflict, model, "big");
    }

    [Fact]
    public void RefusesExternalDataEntriesOnATensorStoredInline()
    {
        var model = TinyModels.ConvRelu();
        Initializer(model, "B").ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "b.bin" });
        var e = Refused(ErrorCodes.TensorDataConflict, model, "B");
        Assert.Contains("would be ignored", e.Message);
    }

    [Fact]
    public void ChecksTensorsInsideConstantNodes()
    {
        var model = TinyModels.ConvRelu();
        var value = TinyModels.FloatTensor("k", [1f, 2f], 2);
        value.FloatData.Add(3f);
        model.Graph.Node.Add(TinyModels.Node("Constant", "const", [], ["K"], NodeAttributes.Tensor("value", value)));
        Refused(ErrorCodes.TensorDataConflict, model, "k");
    }
}
