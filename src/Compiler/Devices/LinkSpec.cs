using System.Globalization;
using System.Text.RegularExpressions;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Devices;

/// <summary>
/// --link text: <c>BANDWIDTH[/DOWN][,LATENCY]</c>, e.g. <c>100Mbps</c>, <c>107.4Mbps,13ms</c>, <c>12.5MB/s</c>,
/// <c>107.4Mbps/48.7Mbps,13ms</c> (uplink 107.4, downlink 48.7: a single rate means both ways).
/// Bandwidth units: bps, kbps, Mbps, Gbps (also b/s forms) in bits per second; B/s, kB/s, MB/s, GB/s (also
/// Bps forms) in bytes per second. Prefixes and the rest of the unit are case-insensitive; the one letter
/// whose case matters is the usual one: b is a bit, B is a byte (so 100MBps is 800 Mbit/s). Prefixes are
/// decimal (k = 1000). Latency units: s, ms, us (µs). Bandwidth must be positive; latency may be 0.
/// Numbers go through decimal, so "107.4Mbps" is exactly 107.4e6 and prints back the same.
/// </summary>
public static partial class LinkSpec
{
    [GeneratedRegex(@"^\s*(?<n>[0-9]+(\.[0-9]+)?|\.[0-9]+)\s*(?<u>[A-Za-zµ/]+)\s*$")]
    private static partial Regex Quantity();

    public static LinkProfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',');
        if (parts.Length > 2) throw Bad(text, "expected BANDWIDTH, BANDWIDTH,LATENCY or UP/DOWN,LATENCY");
        var rates = parts[0].Split('/');
        // "/s" belongs to a unit (12.5MB/s): a rate ends with 's' only there, so rejoin a piece that is just "s".
        var pieces = new List<string>();
        foreach (var r in rates)
        {
            if (pieces.Count > 0 && r.Trim().StartsWith('s') && !char.IsDigit(r.Trim().FirstOrDefault())) pieces[^1] += "/" + r;
            else pieces.Add(r);
        }
        if (pieces.Count > 2) throw Bad(text, "expected at most two rates, UP/DOWN");
        var bits = Bandwidth(text, pieces[0]);
        var down = pieces.Count == 2 ? Bandwidth(text, pieces[1]) : bits;
        var latency = parts.Length == 2 ? Latency(text, parts[1]) : 0.0;
        return new LinkProfile(bits, latency, down);
    }

    public static bool TryParse(string text, out LinkProfile? link)
    {
        try
        {
            link = Parse(text);
            return true;
        }
        catch (CodesignException)
        {
            link = null;
            return false;
        }
    }

    /// <summary>Canonical text: the largest bit unit with a value of at least 1, then ms (or us, or s) when there is latency.</summary>
    public static string Format(LinkProfile link)
    {
        var text = Rate(link.BitsPerSecond);
        if (!link.Symmetric) text += "/" + Rate(link.DownBitsPerSecond);
        if (link.LatencySeconds > 0)
        {
            var s = (decimal)link.LatencySeconds;
            text += "," + (s >= 1m ? Number(s) + "s" : s >= 1e-3m ? Number(s * 1e3m) + "ms" : Number(s * 1e6m) + "us");
        }
        return text;
    }

    private static string Rate(double bitsPerSecond)
    {
        var bps = (decimal)bitsPerSecond;
        var (scale, unit) = bps >= 1e9m ? (1e9m, "Gbps") : bps >= 1e6m ? (1e6m, "Mbps") : bps >= 1e3m ? (1e3m, "kbps") : (1m, "bps");
        return Number(bps / scale) + unit;
    }

    private static double Bandwidth(string text, string part)
    {
        var (n, unit) = Split(text, part, "bandwidth");
        var u = unit.ToLowerInvariant();
        // The bit/byte letter comes just before "ps" or "/s": its case decides, the rest is case-insensitive.
        var (bitsPer, prefix) =
            u.EndsWith("bit/s") ? (1, u[..^5]) :
            u.EndsWith("bps") || u.EndsWith("b/s") ? (unit[^3] == 'B' ? 8 : 1, u[..^3]) :
            throw Bad(text, $"unknown bandwidth unit '{unit}' (use bps, kbps, Mbps, Gbps or B/s, kB/s, MB/s, GB/s)");
        var scale = prefix switch
        {
            "" => 1m,
            "k" => 1e3m,
            "m" => 1e6m,
            "g" => 1e9m,
            _ => throw Bad(text, $"unknown bandwidth unit '{unit}' (prefixes: k, M, G)"),
        };
        decimal value;
        try
        {
            value = n * scale * bitsPer;
        }
        catch (OverflowException)
        {
            throw Bad(text, "the bandwidth is out of range");
        }
        if (value <= 0) throw Bad(text, "the bandwidth must be positive");
        return (double)value;
    }

    private static double Latency(string text, string part)
    {
        var (n, unit) = Split(text, part, "latency");
        var seconds = unit.ToLowerInvariant() switch
        {
            "s" => n,
            "ms" => n / 1e3m,
            "us" or "µs" => n / 1e6m,
            _ => throw Bad(text, $"unknown latency unit '{unit}' (use s, ms or us)"),
        };
        return (double)seconds;
    }

    private static (decimal Number, string Unit) Split(string text, string part, string what)
    {
        var m = Quantity().Match(part);
        if (!m.Success) throw Bad(text, $"the {what} must be a number followed by a unit (100Mbps, 13ms), got '{part.Trim()}'");
        if (!decimal.TryParse(m.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            throw Bad(text, $"the {what} '{part.Trim()}' is out of range");
        }
        return (n, m.Groups["u"].Value);
    }

    private static string Number(decimal d) => (d / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private static CodesignException Bad(string text, string why) =>
        new(ErrorCodes.LinkSpecMalformed, $"--link '{text}' does not parse: {why}");
}
