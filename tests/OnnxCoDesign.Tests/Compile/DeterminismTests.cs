using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>
/// The output bytes of `compile` depend only on its inputs and options: the built compiler is run as separate
/// processes (string hashing is seeded per process), two after one another and four at once, in varied
/// environments (server GC, one or many processors, other cultures, time zone and temp folder, another
/// working directory), and every file of every output folder is compared byte for byte with the first run's.
/// </summary>
public sealed class DeterminismTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "repvgg-a0", "jetson-nano,jetson-xavier-nx" },
        { "repvgg-a0", "jetson-nano,jetson-xavier-nx,jetson-agx-orin" },
        { "resnet50", "jetson-nano,jetson-xavier-nx" },
        { "detector", "jetson-nano,jetson-xavier-nx,jetson-agx-orin" },
    };

    /// <summary>Environments the runs cycle through; null removes the variable.</summary>
    private static readonly Dictionary<string, string?>[] Environments =
    [
        new() { ["LC_ALL"] = null, ["LANG"] = null },
        new() { ["DOTNET_gcServer"] = "1", ["DOTNET_PROCESSOR_COUNT"] = "1", ["LC_ALL"] = "tr_TR.UTF-8", ["LANG"] = "tr_TR.UTF-8", ["TZ"] = "Pacific/Chatham" },
        new() { ["DOTNET_PROCESSOR_COUNT"] = "8", ["LC_ALL"] = "de_DE.UTF-8", ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "0", ["DOTNET_TieredPGO"] = "0" },
        new() { ["DOTNET_GCgen0size"] = "0x40000", ["LC_ALL"] = "fr_FR.UTF-8", ["TZ"] = "America/St_Johns" },
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Compile_writes_the_same_bytes_in_every_process(string sample, string devices)
    {
        using var scratch = new ScratchDirectory();
        var folders = new List<string>();
        string Run(int k)
        {
            var output = scratch.File($"out{k}");
            var home = Directory.CreateDirectory(scratch.File($"cwd{k}")).FullName;
            var environment = new Dictionary<string, string?>(Environments[k % Environments.Length])
            {
                ["TMPDIR"] = Directory.CreateDirectory(scratch.File($"tmp{k}")).FullName,
            };
            var (exit, _, error) = CompilerProcess.Run(home, environment, "compile", "--sample", sample, "--devices", devices, "-o", output);
            Assert.True(exit == 0, $"run {k}: exit {exit}\n{error}");
            return output;
        }

        folders.Add(Run(0));
        folders.Add(Run(1));
        folders.AddRange(await Task.WhenAll(Enumerable.Range(2, 4).Select(k => Task.Run(() => Run(k)))));

        var expected = FilesOf(folders[0]);
        Assert.Contains("plan.json", expected);
        Assert.Contains("build-engines.sh", expected);
        Assert.Contains("report.html", expected);
        Assert.Contains(".codesign-manifest", expected);
        Assert.Contains(expected, f => f.StartsWith("part", StringComparison.Ordinal) && f.EndsWith(".onnx", StringComparison.Ordinal));
        foreach (var folder in folders.Skip(1))
        {
            Assert.Equal(expected, FilesOf(folder));
            foreach (var file in expected)
            {
                var difference = FirstDifference(Path.Combine(folders[0], file), Path.Combine(folder, file));
                Assert.True(difference is null, $"{file} of {Path.GetFileName(folder)} differs from run 0's at byte {difference}");
            }
        }
    }

    private static string[] FilesOf(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The offset of the first byte that differs (the shorter length when one is a prefix), or null when equal.</summary>
    private static long? FirstDifference(string a, string b)
    {
        using var x = File.OpenRead(a);
        using var y = File.OpenRead(b);
        var bx = new byte[1 << 20];
        var by = new byte[1 << 20];
        for (long offset = 0; ; )
        {
            var n = x.ReadAtLeast(bx, bx.Length, throwOnEndOfStream: false);
            var m = y.ReadAtLeast(by, by.Length, throwOnEndOfStream: false);
            var common = bx.AsSpan(0, n).CommonPrefixLength(by.AsSpan(0, m));
            if (common < Math.Max(n, m)) return offset + common;
            if (n == 0) return null;
            offset += n;
        }
    }
}
