using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>Asserts that an action fails with a <see cref="CodesignException"/> (never another type) with one code.</summary>
internal static class Refusal
{
    public static CodesignException Expect(string code, Action action)
    {
        var e = Assert.Throws<CodesignException>(action);
        Assert.True(e.Code == code, $"expected {code}, got {e.Code}: {e.Message}");
        return e;
    }

    /// <summary>Loading the file fails with the code, and the exception names the file.</summary>
    public static CodesignException ExpectLoad(string code, string path)
    {
        var e = Expect(code, () => ModelLoader.Load(path).Dispose());
        Assert.Equal(path, e.File);
        Assert.Contains(path, e.Canonical);
        return e;
    }
}
