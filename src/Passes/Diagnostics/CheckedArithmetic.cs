namespace OnnxCoDesign.Passes.Diagnostics;

/// <summary>
/// Sums of sizes and costs in checked int64 arithmetic. Each tensor is bounded (TensorBounds), but how many
/// a model has is not, so a total past int64 is a hostile or damaged model: OCD1307, never a wrapped number.
/// </summary>
public static class CheckedArithmetic
{
    /// <param name="what">What the total is, as the message names it: "the model's total FLOPs".</param>
    public static long Add(long a, long b, string what, string? file)
    {
        try
        {
            return checked(a + b);
        }
        catch (OverflowException e)
        {
            throw new CodesignException(ErrorCodes.ArithmeticOverflow, $"{what} pass the int64 range", file, e);
        }
    }

    public static long Sum(IEnumerable<long> values, string what, string? file)
    {
        var total = 0L;
        foreach (var v in values) total = Add(total, v, what, file);
        return total;
    }
}
