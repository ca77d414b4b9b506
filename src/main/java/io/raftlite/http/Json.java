package io.raftlite.http;

import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for response trees built from {@code Map} (key order kept), {@code List},
 * {@code String}, {@code Long}/{@code Integer}, {@code Double} (formatted as Go does),
 * {@code Boolean} and null; compact, or indented with four spaces like Go's {@code MarshalIndent}.
 * Strings are escaped as Go escapes them: short escapes for backspace, form feed, newline, carriage
 * return and tab, six-character hex escapes for other control characters and for {@code <}, {@code >},
 * {@code &}, U+2028 and U+2029.
 */
final class Json {
    private Json() {
    }

    /**
     * @throws IllegalArgumentException for values JSON cannot carry (NaN, infinities, other types)
     */
    static String write(Object value, boolean pretty) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, value, pretty, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, boolean pretty, int depth) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Long || v instanceof Integer) {
            sb.append(v);
        } else if (v instanceof Double d) {
            sb.append(GoFloat.format(d));
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                newline(sb, pretty, depth + 1);
                string(sb, String.valueOf(e.getKey()));
                sb.append(pretty ? ": " : ":");
                write(sb, e.getValue(), pretty, depth + 1);
            }
            newline(sb, pretty, depth);
            sb.append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                newline(sb, pretty, depth + 1);
                write(sb, l.get(i), pretty, depth + 1);
            }
            newline(sb, pretty, depth);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("json: unsupported type " + v.getClass().getName());
        }
    }

    private static void newline(StringBuilder sb, boolean pretty, int depth) {
        if (pretty) {
            sb.append('\n');
            sb.append("    ".repeat(depth));
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                case '\u2028' -> sb.append("\\u2028");
                case '\u2029' -> sb.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
