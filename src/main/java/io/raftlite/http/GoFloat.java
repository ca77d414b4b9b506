package io.raftlite.http;

import java.math.BigDecimal;

/**
 * Formats a double the way Go's {@code encoding/json} does, which rqlite clients see: the shortest
 * representation, no fraction for whole values ({@code 4}, not {@code 4.0}), and exponent notation
 * only below 1e-6 or from 1e21 up ({@code 1e-7}, {@code 1e+21}).
 */
final class GoFloat {
    private GoFloat() {
    }

    /**
     * @throws IllegalArgumentException for NaN and infinities, which JSON cannot carry
     */
    static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("json: unsupported value: " + v);
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        double abs = Math.abs(v);
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        if (abs < 1e-6 || abs >= 1e21) {
            String unscaled = d.unscaledValue().abs().toString();
            int exp = unscaled.length() - 1 - d.scale();
            StringBuilder sb = new StringBuilder();
            if (v < 0) {
                sb.append('-');
            }
            sb.append(unscaled.charAt(0));
            if (unscaled.length() > 1) {
                sb.append('.').append(unscaled, 1, unscaled.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int e = Math.abs(exp);
            if (e < 10) {
                sb.append('0');
            }
            sb.append(e);
            String out = sb.toString();
            // Go trims a single leading zero in two-digit negative exponents: e-07 -> e-7.
            return out.replace("e-0", "e-").replace("e+0", "e+");
        }
        return d.toPlainString();
    }
}
