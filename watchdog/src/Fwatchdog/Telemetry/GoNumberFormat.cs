namespace Fwatchdog.Telemetry;

/// <summary>
/// Numbers in the log as Go's fmt prints them. Go rounds the double's exact binary value and breaks
/// exact ties to even (<c>%.4f</c> of 0.03125 is 0.0312, go-units' <c>%.4g</c> of 10.125 is 10.12);
/// .NET's "F4" rounds such ties away from zero. The rounding here is done in integers on the
/// double's mantissa, so it is exact and allocates nothing.
/// </summary>
public static class GoNumberFormat
{
    private static readonly UInt128[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    /// <summary>The largest decimals <see cref="TryFormatFixed"/> takes.</summary>
    public const int MaxDecimals = 9;

    /// <summary>Go's <c>%.Nf</c>: <paramref name="decimals"/> places, exact ties to even; "-" for a negative value, as Go.</summary>
    /// <returns>False when <paramref name="destination"/> is too small, the value is not finite or too large to scale exactly (beyond 2^60).</returns>
    public static bool TryFormatFixed(double value, int decimals, Span<char> destination, out int written)
    {
        written = 0;
        if (!double.IsFinite(value) || decimals is < 0 or > MaxDecimals || Math.Abs(value) >= 1152921504606846976.0)
            return false;
        var scaled = ScaledToEven(Math.Abs(value), decimals);
        var position = 0;
        if (double.IsNegative(value))
        {
            if (destination.IsEmpty)
                return false;
            destination[position++] = '-';
        }
        if (!TryWriteDecimal(scaled, decimals, trimZeros: false, destination[position..], out var digits))
            return false;
        written = position + digits;
        return true;
    }

    /// <summary>
    /// Go's <c>%.4g</c> for a value in [1, 1000), which is all go-units' HumanSize gives it after
    /// dividing by 1000: four significant digits, trailing zeros dropped ("1.5", "1000").
    /// </summary>
    public static bool TryFormatFourSignificant(double value, Span<char> destination, out int written)
    {
        written = 0;
        if (value is < 1 or >= 1000)
            return false;
        var decimals = value < 10 ? 3 : value < 100 ? 2 : 1;
        var scaled = ScaledToEven(value, decimals);
        if (scaled == 10_000)
        {
            // Rounded up to the next power of ten: still four digits, one fewer of them decimals.
            scaled = 1_000;
            decimals--;
        }
        return TryWriteDecimal(scaled, decimals, trimZeros: true, destination, out written);
    }

    /// <summary>
    /// round(value × 10^decimals), exact ties to even. value = mantissa × 2^exponent exactly, so the
    /// product is an integer shifted right; what the shift drops decides the rounding.
    /// </summary>
    private static UInt128 ScaledToEven(double value, int decimals)
    {
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var biased = (int)((bits >> 52) & 0x7FF);
        var fraction = bits & ((1UL << 52) - 1);
        var mantissa = biased == 0 ? fraction : fraction | (1UL << 52);
        var exponent = biased == 0 ? -1074 : biased - 1075;
        var product = (UInt128)mantissa * PowersOfTen[decimals];
        if (exponent >= 0)
            return product << exponent;
        var shift = -exponent;
        if (shift >= 127)
            return 0; // product < 2^83: less than half of one unit
        var whole = product >> shift;
        var dropped = product - (whole << shift);
        var half = (UInt128)1 << (shift - 1);
        if (dropped > half || (dropped == half && (whole & 1) == 1))
            whole++;
        return whole;
    }

    private static bool TryWriteDecimal(UInt128 scaled, int decimals, bool trimZeros, Span<char> destination, out int written)
    {
        written = 0;
        var power = PowersOfTen[decimals];
        if (!(scaled / power).TryFormat(destination, out var integerDigits, default, System.Globalization.CultureInfo.InvariantCulture))
            return false;
        var fraction = scaled % power;
        var places = decimals;
        if (trimZeros)
        {
            while (places > 0 && fraction % 10 == 0)
            {
                fraction /= 10;
                places--;
            }
        }
        if (places == 0)
        {
            written = integerDigits;
            return true;
        }
        if (destination.Length < integerDigits + 1 + places)
            return false;
        destination[integerDigits] = '.';
        for (var i = integerDigits + places; i > integerDigits; i--)
        {
            destination[i] = (char)('0' + (int)(fraction % 10));
            fraction /= 10;
        }
        written = integerDigits + 1 + places;
        return true;
    }
}
