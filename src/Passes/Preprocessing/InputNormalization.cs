namespace OnnxCoDesign.Passes.Preprocessing;

/// <summary>
/// The per-channel normalization a camera frame needs before the model: x = (v · scale − mean[c]) / std[c], as
/// torchvision's ToTensor() + Normalize(mean, std) computes it (scale 1/255). Mean and std hold one value for
/// every channel or one per channel.
/// </summary>
public sealed record InputNormalization(float Scale, IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>ToTensor() alone: v / 255, mean 0, std 1.</summary>
    public static InputNormalization ToTensor => new(1f / 255f, [0f], [1f]);

    public bool Equals(InputNormalization? other) =>
        other is not null && Scale == other.Scale && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    public override int GetHashCode() => HashCode.Combine(Scale, Mean.Count, Std.Count);
}
