package io.raftlite.http;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a double the way Go's {@code encoding/json} does, which rqlite clients see: the shortest
 * decimal that reads back as the same double ({@code 0.1}, {@code 1e+23}, {@code 5e-324}), no
 * fraction for whole values ({@code 4}, not {@code 4.0}), and exponent notation only below 1e-6 or
 * from 1e21 up ({@code 1e-7}, {@code 1e+21}; at least one exponent digit, as Go trims {@code e-07}
 * to {@code e-7}).
 *
 * <p>The digits are computed here rather than taken from {@link Double#toString(double)}: before
 * Java 19 that method sometimes gives more digits than needed ({@code 9.999999999999999E22} for
 * {@code 1e23}, {@code 4.9E-324} for the smallest subnormal).
 */
final class GoFloat {
    /** Doubles whose magnitude is below this are exact integers that print as themselves. */
    private static final double EXACT_INTEGER_LIMIT = 0x1p53;

    private GoFloat() {
    }

    /**
     * @throws IllegalArgumentException for NaN and infinities, which JSON cannot carry; the message is
     *     Go's ({@code json: unsupported value: +Inf})
     */
    static String format(double v) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("json: unsupported value: NaN");
        }
        if (Double.isInfinite(v)) {
            throw new IllegalArgumentException("json: unsupported value: " + (v > 0 ? "+Inf" : "-Inf"));
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        double abs = Math.abs(v);
        if (abs < EXACT_INTEGER_LIMIT && abs == Math.rint(abs)) {
            return Long.toString((long) v);
        }
        BigDecimal d = shortest(abs);
        StringBuilder sb = new StringBuilder(24);
        if (v < 0) {
            sb.append('-');
        }
        if (abs < 1e-6 || abs >= 1e21) {
            String digits = d.unscaledValue().toString();
            int exp = digits.length() - 1 - d.scale();
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+').append(Math.abs(exp));
        } else {
            sb.append(d.toPlainString());
        }
        return sb.toString();
    }

    /**
     * The shortest decimal (trailing zeros stripped) that parses back to {@code abs}; among equally
     * short ones, the closest to its exact value. Having some {@code p}-digit decimal in the rounding
     * interval implies having a {@code (p+1)}-digit one, so the shortest length is found by bisection.
     */
    private static BigDecimal shortest(double abs) {
        BigDecimal exact = new BigDecimal(abs);
        int lo = 1;
        int hi = 17; // 17 significant digits always identify a double
        BigDecimal best = candidate(exact, abs, hi);
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            BigDecimal c = candidate(exact, abs, mid);
            if (c != null) {
                best = c;
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return best.stripTrailingZeros();
    }

    /** The closest {@code digits}-digit decimal that reads back as {@code abs}, or null if none does. */
    private static BigDecimal candidate(BigDecimal exact, double abs, int digits) {
        BigDecimal down = exact.round(new MathContext(digits, RoundingMode.DOWN));
        BigDecimal up = exact.round(new MathContext(digits, RoundingMode.UP));
        boolean downOk = down.doubleValue() == abs;
        boolean upOk = up.doubleValue() == abs;
        if (downOk && upOk) {
            int cmp = exact.subtract(down).compareTo(up.subtract(exact));
            if (cmp != 0) {
                return cmp < 0 ? down : up;
            }
            return exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
        }
        return downOk ? down : upOk ? up : null;
    }
}
