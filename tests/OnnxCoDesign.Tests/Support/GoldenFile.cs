namespace OnnxCoDesign.Tests.Support;

/// <summary>
/// Compares text against tests/golden/CASE/FILE. With CODESIGN_ACCEPT_GOLDEN=1 the file is (re)written
/// instead, which CI refuses: under CI=true accepting is an error, so a golden can only move by a commit
/// that a person reviews.
/// </summary>
public static class GoldenFile
{
    public const string AcceptVariable = "CODESIGN_ACCEPT_GOLDEN";

    public static void Check(string caseName, string fileName, string actual)
    {
        Assert.DoesNotContain("\r", actual);
        Assert.DoesNotContain(RepoPaths.Root, actual);
        var path = Path.Combine(RepoPaths.Golden, caseName, fileName);
        if (Accepting())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {caseName}/{fileName} is missing; run the tests with {AcceptVariable}=1 to create it");
        var expected = File.ReadAllText(path);
        if (expected == actual) return;
        var line = FirstDifference(expected, actual);
        Assert.Fail($"{caseName}/{fileName} differs from its golden at line {line.Number}:\n  golden: {line.Expected}\n  actual: {line.Actual}\n" +
                    $"If the change is intended, rerun with {AcceptVariable}=1 and say why in the note.");
    }

    public static bool Accepting()
    {
        if (Environment.GetEnvironmentVariable(AcceptVariable) is not ("1" or "true")) return false;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{AcceptVariable} is refused when CI=true: goldens change only by a reviewed commit");
        }
        return true;
    }

    private static (int Number, string Expected, string Actual) FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al) return (i + 1, el, al);
        }
        return (0, "", "");
    }
}
