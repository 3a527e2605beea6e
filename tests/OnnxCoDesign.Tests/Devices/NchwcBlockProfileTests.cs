using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Tests.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>
/// A profile's optional nchwcBlock (ONNX Runtime's NCHWc block, which decides its layout reorders): read and written
/// back, absent from profiles without it and from every built-in one, anything but 8 or 16 refused with the file
/// named; it reaches ONNX Runtime's kernel rules and never TensorRT's.
/// </summary>
public sealed class NchwcBlockProfileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Base = DeviceProfileFileTests.Base;

    [Fact]
    public void TheBlockIsReadAndWrittenBack()
    {
        var d = DeviceCatalog.Resolve(_dir.WriteText("host.json", "{ " + Base + ", \"nchwcBlock\": 16 }"));
        Assert.Equal(16, d.NchwcBlock);
        Assert.Equal(16, KernelTime.RulesFor(d).NchwcBlock);
        var text = DeviceProfileJson.WriteText(d);
        Assert.Contains("\"nchwcBlock\": 16", text);
        var back = DeviceProfileJson.ParseText(text, "back.json");
        Assert.Equal(d with { Sources = back.Sources }, back);
        Assert.Equal(text, DeviceProfileJson.WriteText(back));
    }

    [Fact]
    public void AProfileWithoutTheBlockHasNoneAndWritesNone()
    {
        var d = DeviceCatalog.Resolve(_dir.WriteText("plain.json", "{ " + Base + " }"));
        Assert.Equal(0, d.NchwcBlock);
        Assert.DoesNotContain("nchwcBlock", DeviceProfileJson.WriteText(d));
        Assert.All(DeviceCatalog.Builtin, b => Assert.Equal(0, b.NchwcBlock));
    }

    [Fact]
    public void ATensorRtDeviceKeepsTensorRtsRulesWhateverItsBlock()
    {
        var nano = DeviceCatalog.Find("jetson-nano")! with { NchwcBlock = 16 };
        Assert.Equal(0, KernelTime.RulesFor(nano).NchwcBlock);
        Assert.Equal("tensorrt", KernelTime.RulesFor(nano).Name);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("0")]
    [InlineData("16.5")]
    [InlineData("\"16\"")]
    public void RefusesABlockOtherThan8Or16NamingTheFile(string value)
    {
        var path = _dir.WriteText("bad.json", "{ " + Base + ", \"nchwcBlock\": " + value + " }");
        var e = Refusal.Expect("OCD1602", () => DeviceCatalog.Resolve(path));
        Assert.Equal(path, e.File);
        Assert.Contains("nchwcBlock", e.Message);
    }
}
