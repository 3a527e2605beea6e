using System.Text.Json;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Devices;

/// <summary>
/// The built-in devices (catalog.json, embedded in the assembly: the seed paper's five and four newer
/// boards) and the resolution of what a user names on the command line: a built-in name or a profile file.
/// </summary>
public static class DeviceCatalog
{
    private const string ResourceName = "OnnxCoDesign.Compiler.Devices.catalog.json";

    private static readonly Lazy<IReadOnlyList<DeviceProfile>> Loaded = new(Load);

    /// <summary>Every built-in profile, in catalog order.</summary>
    public static IReadOnlyList<DeviceProfile> Builtin => Loaded.Value;

    public static IEnumerable<string> Names => Builtin.Select(d => d.Name);

    /// <summary>The built-in profile of that name (case-insensitive), or null.</summary>
    public static DeviceProfile? Find(string name) =>
        Builtin.FirstOrDefault(d => string.Equals(d.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A built-in name, or a path to a profile file. A spec that ends in .json or contains a path separator
    /// is a file (so a missing file is reported as such, not as an unknown name); anything else is a name.
    /// </summary>
    public static DeviceProfile Resolve(string spec)
    {
        var s = spec.Trim();
        if (IsFileSpec(s)) return LoadFile(s);
        return Find(s) ?? throw new CodesignException(ErrorCodes.UnknownDevice,
            $"unknown device '{s}'; built-in devices: {string.Join(", ", Names)} (or give a profile file, NAME.json)");
    }

    /// <summary>
    /// --devices: a comma-separated list of two to <see cref="DeviceChain.MaxDevices"/> specs, one per pipeline
    /// stage, each device once. The length is checked before any profile file is read.
    /// </summary>
    public static IReadOnlyList<DeviceProfile> ResolveList(string list)
    {
        var specs = list.Split(',').Select(x => x.Trim()).ToList();
        if (specs.Any(x => x.Length == 0))
        {
            throw new CodesignException(ErrorCodes.DeviceListMalformed, $"--devices '{list}' has an empty entry; write NAME,NAME[,…]");
        }
        if (specs.Count < 2)
        {
            throw new CodesignException(ErrorCodes.DeviceListMalformed, $"--devices needs at least two devices (one per part), got '{list}'");
        }
        DeviceChain.CheckLength(specs.Count, "--devices");
        var devices = specs.Select(Resolve).ToList();
        DeviceChain.CheckDistinct(devices, "--devices");
        return devices;
    }

    private static bool IsFileSpec(string s) =>
        s.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || s.Contains('/') || s.Contains(Path.DirectorySeparatorChar);

    private static DeviceProfile LoadFile(string path) =>
        // Opened once, without blocking, and refused unless a regular file of at most 1 MiB: a FIFO or
        // /dev/zero named as a profile fails at once instead of hanging or filling memory.
        DeviceProfileJson.ParseText(GuardedFile.ReadAllText(path, InputFileKind.DeviceProfile), path);

    private static IReadOnlyList<DeviceProfile> Load()
    {
        using var stream = typeof(DeviceCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var document = JsonDocument.Parse(stream, DeviceProfileJson.DocumentOptions);
        // The catalog goes through the same validation as a user's file: a bad edit fails loudly here.
        var devices = document.RootElement.GetProperty("devices").EnumerateArray()
            .Select(e => DeviceProfileJson.Read(e, "catalog.json")).ToList();
        var duplicate = devices.GroupBy(d => d.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"catalog.json lists '{duplicate.Key}' twice");
        return devices;
    }
}
