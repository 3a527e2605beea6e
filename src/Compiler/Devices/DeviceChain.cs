using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Devices;

/// <summary>
/// The limits of a device chain, checked where one is named (--devices) and where a plan is read back.
/// At most <see cref="MaxDevices"/> devices: the planner is polynomial in them, but every device is a part,
/// a link and a build script, and no pipeline of edge boards is longer; a bound turns a runaway list (a name
/// pasted fifty times) into an error instead of minutes of planning. Each device once: plans, build scripts
/// and `simulate` tell the parts' devices apart by name, so two with the same name would be one resource.
/// </summary>
public static class DeviceChain
{
    public const int MaxDevices = 16;

    /// <summary>Refuses a list of more than <see cref="MaxDevices"/> entries (before any is resolved).</summary>
    public static void CheckLength(int count, string what)
    {
        if (count > MaxDevices)
        {
            throw new CodesignException(ErrorCodes.DeviceChainTooLong, $"{what} lists {count} devices; a chain has at most {MaxDevices}");
        }
    }

    /// <summary>Refuses a chain naming one device twice (names compare as DeviceCatalog.Find does, ignoring case).</summary>
    public static void CheckDistinct(IReadOnlyList<DeviceProfile> devices, string what)
    {
        var first = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < devices.Count; i++)
        {
            if (first.TryAdd(devices[i].Name, i)) continue;
            throw new CodesignException(ErrorCodes.DeviceRepeated,
                $"{what} names device '{devices[i].Name}' twice (parts {first[devices[i].Name]} and {i}); list each device once, "
                + "and give two boards of one kind profiles of their own names (devices NAME --json > FILE, then edit its name)");
        }
    }
}
