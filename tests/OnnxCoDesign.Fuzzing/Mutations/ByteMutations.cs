namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>Random damage to the serialized model: flipped bits, truncation, inserted, duplicated or overwritten ranges, bad length prefixes.</summary>
public static class ByteMutations
{
    private const string Class = "bytes";

    public static IEnumerable<Mutation> All { get; } =
    [
        new("bytes-bits-flipped", Class, c => Damage(c, (r, b) =>
        {
            int flips = r.Pick(1, 2, 4, 16, 64);
            for (int i = 0; i < flips; i++) b[r.Next(b.Count)] ^= (byte)(1 << r.Next(8));
        })),
        new("bytes-truncated", Class, c => Damage(c, (r, b) =>
        {
            // Half the time near the start, where the graph's structure is, rather than in the weights.
            int at = r.Chance(0.5) ? r.Next(Math.Min(b.Count, 512)) : r.Next(b.Count);
            b.RemoveRange(at, b.Count - at);
        })),
        new("bytes-inserted", Class, c => Damage(c, (r, b) =>
        {
            var junk = new byte[r.Pick(1, 3, 64, 1000)];
            for (int i = 0; i < junk.Length; i++) junk[i] = (byte)r.Next(256);
            b.InsertRange(r.Next(b.Count + 1), junk);
        })),
        new("bytes-range-duplicated", Class, c => Damage(c, (r, b) =>
        {
            int start = r.Next(b.Count);
            int length = Math.Min(b.Count - start, r.Pick(1, 16, 256, 4096));
            b.InsertRange(r.Next(b.Count + 1), b.GetRange(start, length));
        })),
        new("bytes-range-overwritten", Class, c => Damage(c, (r, b) =>
        {
            int start = r.Next(b.Count);
            int length = Math.Min(b.Count - start, r.Pick(1, 8, 128));
            byte fill = r.Pick((byte)0, (byte)0xFF, (byte)0x80);
            for (int i = start; i < start + length; i++) b[i] = fill;
        })),
        new("length-prefix-huge", Class, c => Damage(c, (r, b) =>
        {
            // A graph field (7, length-delimited) whose length is 2^63−1 or another value past the file.
            b.Add(0x3A);
            b.AddRange(Varint(r.Pick(long.MaxValue, long.MaxValue - 1, 1L << 62, 1L << 32, int.MaxValue)));
            b.AddRange(new byte[r.Pick(0, 8)]);
        })),
        new("varint-overlong", Class, c => Damage(c, (r, b) =>
        {
            // An 11-byte varint (at most 10 are valid) as the ir_version field.
            b.Insert(0, 0x08);
            b.InsertRange(1, Enumerable.Repeat((byte)0xFF, 10).Append((byte)0x01));
        })),
        new("wrong-wire-type", Class, c => Damage(c, (r, b) =>
        {
            // The graph field tagged as a varint, a fixed64 or a deprecated group.
            int at = b.IndexOf(0x3A);
            if (at >= 0) b[at] = r.Pick((byte)0x38, (byte)0x39, (byte)0x3B, (byte)0x3C, (byte)0x3F);
        })),
    ];

    private static void Damage(MutationContext c, Action<FuzzRandom, List<byte>> damage)
    {
        var bytes = c.Serialized().ToList();
        if (bytes.Count == 0) bytes.Add(0);
        damage(c.Random, bytes);
        c.Bytes = [.. bytes];
    }

    private static IEnumerable<byte> Varint(long value)
    {
        ulong v = (ulong)value;
        while (v >= 0x80)
        {
            yield return (byte)(v | 0x80);
            v >>= 7;
        }
        yield return (byte)v;
    }
}
