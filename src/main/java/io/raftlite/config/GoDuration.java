package io.raftlite.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's duration syntax ({@code 1m30s}, {@code 500ms}, {@code 0}), which rqlite's query parameters
 * and flags use. Units: ns, us, µs, ms, s, m, h; an optional sign; decimals allowed.
 */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {
    }

    /** The duration {@code text} denotes, or empty if it is not valid Go duration syntax. */
    public static Optional<Duration> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String s = text;
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = PART.matcher(s);
        int pos = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (pos < s.length()) {
            if (!m.find(pos) || m.start() != pos) {
                return Optional.empty();
            }
            BigDecimal amount = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
            nanos = nanos.add(amount.multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            pos = m.end();
        }
        // Like Go, whole nanoseconds only, and the range of an int64 (so -2^63ns is valid, +2^63ns is not).
        BigDecimal signed = (negative ? nanos.negate() : nanos).setScale(0, RoundingMode.DOWN);
        if (signed.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 || signed.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(signed.longValueExact()));
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
    }

    /** Formats like Go's {@code time.Duration.String()}: {@code 1.5s}, {@code 212µs}, {@code 2m0s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        String sign = d.isNegative() ? "-" : "";
        if (d.toNanos() == Long.MIN_VALUE) {
            return "-2562047h47m16.854775808s"; // |Long.MIN_VALUE| does not fit a long
        }
        long n = Math.abs(d.toNanos());
        if (n < 1_000) {
            return sign + n + "ns";
        }
        if (n < 1_000_000) {
            return sign + trim(BigDecimal.valueOf(n, 3)) + "µs";
        }
        if (n < 1_000_000_000) {
            return sign + trim(BigDecimal.valueOf(n, 6)) + "ms";
        }
        long h = n / 3_600_000_000_000L;
        long rest = n % 3_600_000_000_000L;
        long m = rest / 60_000_000_000L;
        rest %= 60_000_000_000L;
        String secs = trim(BigDecimal.valueOf(rest, 9)) + "s";
        if (h > 0) {
            return sign + h + "h" + m + "m" + secs;
        }
        if (m > 0) {
            return sign + m + "m" + secs;
        }
        return sign + secs;
    }

    private static String trim(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString();
    }
}
