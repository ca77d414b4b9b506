package io.raftlite.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough JSON writing for the report and the request bodies: strings, numbers, booleans,
 * null, lists and maps (in their iteration order). Non-finite numbers become null.
 */
public final class Json {

    private Json() {
    }

    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        appendString(b, s);
        return b.toString();
    }

    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        append(b, value, 0, false);
        return b.toString();
    }

    /** Indented, two spaces per level; one line per map entry and list item. */
    public static String pretty(Object value) {
        StringBuilder b = new StringBuilder();
        append(b, value, 0, true);
        return b.append('\n').toString();
    }

    private static void append(StringBuilder b, Object v, int depth, boolean pretty) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            appendString(b, s);
        } else if (v instanceof Boolean bool) {
            b.append(bool);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                b.append("null");
            } else {
                b.append(number(d));
            }
        } else if (v instanceof Number n) {
            b.append(n.longValue());
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                newline(b, depth + 1, pretty);
                appendString(b, String.valueOf(e.getKey()));
                b.append(pretty ? ": " : ":");
                append(b, e.getValue(), depth + 1, pretty);
            }
            if (!m.isEmpty()) {
                newline(b, depth, pretty);
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            boolean scalars = l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(scalars && pretty ? ", " : ",");
                }
                if (!scalars) {
                    newline(b, depth + 1, pretty);
                }
                append(b, l.get(i), depth + 1, pretty);
            }
            if (!scalars && !l.isEmpty()) {
                newline(b, depth, pretty);
            }
            b.append(']');
        } else {
            appendString(b, v.toString());
        }
    }

    /** Up to 3 decimals, or 4 significant digits below 1; no exponent, no trailing zeros. */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        BigDecimal x = Math.abs(d) >= 1
                ? BigDecimal.valueOf(d).setScale(3, RoundingMode.HALF_UP)
                : BigDecimal.valueOf(d).round(new MathContext(4, RoundingMode.HALF_UP));
        x = x.stripTrailingZeros();
        return x.signum() == 0 ? "0" : x.toPlainString();
    }

    private static void newline(StringBuilder b, int depth, boolean pretty) {
        if (pretty) {
            b.append('\n');
            b.append("  ".repeat(depth));
        }
    }

    private static void appendString(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
