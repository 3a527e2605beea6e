namespace OnnxCoDesign.Compiler.Devices;

/// <summary>
/// The link between consecutive devices: uplink bandwidth (forward, device j → j+1) in bits per second,
/// one-way latency in seconds, and the downlink bandwidth (results coming back, j+1 → j), the uplink's
/// unless given.
/// <para>
/// Pipelined link model: a link is busy for a frame only while it serializes it, bytes·8 / bandwidth, so
/// that alone is a pipeline stage (it bounds the period); the latency is the propagation every frame
/// waits through, so it adds to the response time and not to the period.
/// </para>
/// </summary>
public sealed record LinkProfile(double BitsPerSecond, double LatencySeconds)
{
    /// <summary>A link with different uplink and downlink rates.</summary>
    public LinkProfile(double upBitsPerSecond, double latencySeconds, double downBitsPerSecond)
        : this(upBitsPerSecond, latencySeconds) => DownBitsPerSecond = downBitsPerSecond;

    /// <summary>The seed's setup: 100 Mbps both ways, no latency term.</summary>
    public static LinkProfile Default { get; } = new(100e6, 0);

    /// <summary>Downlink bits per second (results sent back upstream); the uplink's unless set.</summary>
    public double DownBitsPerSecond { get; init; } = BitsPerSecond;

    public bool Symmetric => DownBitsPerSecond == BitsPerSecond;

    /// <summary>Seconds the uplink is busy sending <paramref name="bytes"/>: bytes·8 / bandwidth (the pipeline stage).</summary>
    public double SerializationSeconds(long bytes) => bytes == 0 ? 0 : bytes * 8.0 / BitsPerSecond;

    /// <summary>Seconds the downlink is busy sending <paramref name="bytes"/> back: bytes·8 / down bandwidth.</summary>
    public double DownSerializationSeconds(long bytes) => bytes == 0 ? 0 : bytes * 8.0 / DownBitsPerSecond;

    /// <summary>Latency a transfer of <paramref name="bytes"/> adds to the response time beyond its serialization (0 bytes sends nothing).</summary>
    public double DelaySeconds(long bytes) => bytes == 0 ? 0 : LatencySeconds;

    /// <summary>Seconds until <paramref name="bytes"/> sent forward have arrived: serialization + latency (0 bytes sends nothing).</summary>
    public double TransferSeconds(long bytes) => SerializationSeconds(bytes) + DelaySeconds(bytes);

    /// <summary>Seconds until <paramref name="bytes"/> sent back have arrived: down serialization + latency.</summary>
    public double ReturnSeconds(long bytes) => DownSerializationSeconds(bytes) + DelaySeconds(bytes);

    /// <summary>The canonical --link text (100Mbps, 107.4Mbps,13ms, 107.4Mbps/48.7Mbps,13ms); <see cref="LinkSpec.Parse"/> reads it back.</summary>
    public override string ToString() => LinkSpec.Format(this);
}
