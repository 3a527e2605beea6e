namespace OnnxCoDesign.Compiler.Devices;

/// <summary>The link between consecutive devices: bandwidth in bits per second and one-way latency in seconds.</summary>
public sealed record LinkProfile(double BitsPerSecond, double LatencySeconds)
{
    /// <summary>The seed's setup: 100 Mbps, no latency term.</summary>
    public static LinkProfile Default { get; } = new(100e6, 0);

    /// <summary>Seconds to send <paramref name="bytes"/>: bytes·8 / bandwidth + latency (0 bytes sends nothing).</summary>
    public double TransferSeconds(long bytes) => bytes == 0 ? 0 : bytes * 8.0 / BitsPerSecond + LatencySeconds;

    /// <summary>The canonical --link text (100Mbps, 107.4Mbps,13ms); <see cref="LinkSpec.Parse"/> reads it back.</summary>
    public override string ToString() => LinkSpec.Format(this);
}
