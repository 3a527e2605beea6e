namespace OnnxCoDesign.Compiler.Devices.Import;

/// <summary>
/// Weighted linear least squares for the handful of unknowns of a device fit: minimise Σ (w_i (x_i·β − y_i))²
/// through the normal equations of the column-scaled system (FLOPs, bytes and kernel counts differ by nine
/// orders of magnitude), solved by Gaussian elimination with partial pivoting.
/// </summary>
public static class LeastSquares
{
    /// <summary>β, or null where the columns are (nearly) dependent: the data cannot tell the unknowns apart.</summary>
    public static double[]? Weighted(double[,] x, double[] y, double[] w)
    {
        int n = x.GetLength(0), p = x.GetLength(1);
        if (n < p) return null;
        var norm = new double[p];
        for (var j = 0; j < p; j++)
        {
            for (var i = 0; i < n; i++) norm[j] += (w[i] * x[i, j]) * (w[i] * x[i, j]);
            norm[j] = Math.Sqrt(norm[j]);
            if (norm[j] == 0 || !double.IsFinite(norm[j])) return null;
        }
        var m = new double[p, p + 1];
        for (var j = 0; j < p; j++)
        {
            for (var k = 0; k < p; k++)
            {
                var s = 0.0;
                for (var i = 0; i < n; i++) s += w[i] * x[i, j] / norm[j] * w[i] * x[i, k] / norm[k];
                m[j, k] = s;
            }
            var r = 0.0;
            for (var i = 0; i < n; i++) r += w[i] * x[i, j] / norm[j] * w[i] * y[i];
            m[j, p] = r;
        }
        for (var c = 0; c < p; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < p; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c])) pivot = r;
            }
            // The scaled Gram matrix has a unit diagonal: a pivot this small means dependent columns.
            if (Math.Abs(m[pivot, c]) < 1e-9) return null;
            if (pivot != c)
            {
                for (var k = 0; k <= p; k++) (m[c, k], m[pivot, k]) = (m[pivot, k], m[c, k]);
            }
            for (var r = 0; r < p; r++)
            {
                if (r == c) continue;
                var f = m[r, c] / m[c, c];
                for (var k = c; k <= p; k++) m[r, k] -= f * m[c, k];
            }
        }
        var beta = new double[p];
        for (var j = 0; j < p; j++) beta[j] = m[j, p] / m[j, j] / norm[j];
        return beta;
    }
}
