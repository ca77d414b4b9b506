package io.raftlite.db;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Converts SQLite column values into the values rqlite renders (spec 2.4), in rule order:
 * date/datetime/timestamp columns to RFC 3339 strings, {@code boolean} columns to booleans, BLOBs in
 * text-like columns to strings, everything else by storage class. Stateless.
 */
final class ValueConverter {
    /** Storage classes as {@code sqlite3_column_type} reports them. */
    static final int SQLITE_INTEGER = 1;
    static final int SQLITE_FLOAT = 2;
    static final int SQLITE_TEXT = 3;
    static final int SQLITE_BLOB = 4;
    static final int SQLITE_NULL = 5;

    /** What Go's zero {@code time.Time} renders as; used for unparseable date text. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private ValueConverter() {
    }

    /** A value that cannot be rendered (a time outside years 0..9999); the statement fails with its message. */
    static final class ConversionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConversionException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Converts one raw value.
     *
     * @param storageClass 1 INTEGER, 2 FLOAT, 3 TEXT, 4 BLOB, 5 NULL
     * @param raw {@code Long}, {@code Double}, {@code String}, {@code byte[]} or null, per storage class
     * @param declType lower-cased declared type, "" when none
     */
    static Object convert(int storageClass, Object raw, String declType) {
        switch (storageClass) {
            case SQLITE_INTEGER: {
                long v = ((Number) raw).longValue();
                if (isTimeType(declType)) {
                    return formatUnix(v);
                }
                if (declType.equals("boolean")) {
                    return v > 0;
                }
                return v;
            }
            case SQLITE_FLOAT:
                return ((Number) raw).doubleValue();
            case SQLITE_TEXT: {
                String s = (String) raw;
                if (isTimeType(declType)) {
                    return formatText(s);
                }
                return s;
            }
            case SQLITE_BLOB: {
                byte[] b = raw == null ? new byte[0] : (byte[]) raw;
                if (isTextLike(declType)) {
                    return new String(b, StandardCharsets.UTF_8);
                }
                return b;
            }
            default:
                return null;
        }
    }

    /** The type a column with an empty declared type gets from its first-row value, or "" for null. */
    static String typeOf(Object converted) {
        if (converted instanceof Long) {
            return "integer";
        }
        if (converted instanceof Double) {
            return "real";
        }
        if (converted instanceof String) {
            return "text";
        }
        if (converted instanceof Boolean) {
            return "boolean";
        }
        if (converted instanceof byte[]) {
            return "blob";
        }
        return "";
    }

    /** Fills, in place, every empty type from the corresponding value of the first row. */
    static void fillEmptyTypes(List<String> types, List<Object> firstRow) {
        for (int i = 0; i < types.size() && i < firstRow.size(); i++) {
            if (types.get(i).isEmpty()) {
                types.set(i, typeOf(firstRow.get(i)));
            }
        }
    }

    static boolean isTimeType(String declType) {
        return declType.equals("date") || declType.equals("datetime") || declType.equals("timestamp");
    }

    /** Text affinity as rqlite sees it: BLOBs in such columns are shown as text. */
    static boolean isTextLike(String t) {
        return t.isEmpty()
                || t.equals("text")
                || t.equals("json")
                || t.startsWith("varchar")
                || t.startsWith("varying character")
                || t.startsWith("nchar")
                || t.startsWith("native character")
                || t.startsWith("nvarchar")
                || t.startsWith("clob");
    }

    /** Unix seconds, or milliseconds when |v| > 10^12 (Go's int64 overflow wrap kept), in UTC. */
    static String formatUnix(long v) {
        long seconds;
        int nanos;
        if (v > 1_000_000_000_000L || v < -1_000_000_000_000L) {
            long ns = v * 1_000_000L;
            seconds = Math.floorDiv(ns, 1_000_000_000L);
            nanos = (int) Math.floorMod(ns, 1_000_000_000L);
        } else {
            seconds = v;
            nanos = 0;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
        return format(t, 0);
    }

    /** Parses date text the way go-sqlite3 does and renders it; unparseable text gives the zero time. */
    static String formatText(String s) {
        if (s.endsWith("Z")) {
            s = s.substring(0, s.length() - 1);
        }
        Parsed p = parse(s);
        if (p == null) {
            return ZERO_TIME;
        }
        return format(p.time, p.offsetSeconds);
    }

    record Parsed(LocalDateTime time, int offsetSeconds) {
    }

    /**
     * Accepts what Go's {@code time.ParseInLocation} accepts for go-sqlite3's layouts:
     * {@code YYYY-MM-DD}, optionally followed by {@code ' '} or {@code 'T'} and {@code H[H]:MM}, optionally
     * {@code :SS}, then optionally a fraction ({@code .} or {@code ,} and digits) and then optionally
     * {@code ±HH:MM}. Returns null when no layout matches.
     */
    static Parsed parse(String s) {
        int n = s.length();
        if (n < 10 || !digits(s, 0, 4) || s.charAt(4) != '-' || !digits(s, 5, 2) || s.charAt(7) != '-' || !digits(s, 8, 2)) {
            return null;
        }
        int year = num(s, 0, 4);
        int month = num(s, 5, 2);
        int day = num(s, 8, 2);
        if (month < 1 || month > 12 || day < 1 || day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        if (n == 10) {
            return new Parsed(LocalDateTime.of(year, month, day, 0, 0), 0);
        }
        char sep = s.charAt(10);
        if (sep != ' ' && sep != 'T') {
            return null;
        }
        int i = 11;
        // hour: one or two digits
        if (i >= n || !isDigit(s.charAt(i))) {
            return null;
        }
        int hour = s.charAt(i) - '0';
        i++;
        if (i < n && isDigit(s.charAt(i))) {
            hour = hour * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i >= n || s.charAt(i) != ':' || !digits(s, i + 1, 2)) {
            return null;
        }
        int minute = num(s, i + 1, 2);
        i += 3;
        if (hour > 23 || minute > 59) {
            return null;
        }
        if (i == n) {
            return new Parsed(LocalDateTime.of(year, month, day, hour, minute), 0);
        }
        if (s.charAt(i) != ':' || !digits(s, i + 1, 2)) {
            return null;
        }
        int second = num(s, i + 1, 2);
        i += 3;
        if (second > 59) {
            return null;
        }
        int nanos = 0;
        if (i + 1 < n && (s.charAt(i) == '.' || s.charAt(i) == ',') && isDigit(s.charAt(i + 1))) {
            int j = i + 1;
            int scale = 0;
            while (j < n && isDigit(s.charAt(j))) {
                if (scale < 9) {
                    nanos = nanos * 10 + (s.charAt(j) - '0');
                    scale++;
                }
                j++;
            }
            for (; scale < 9; scale++) {
                nanos *= 10;
            }
            i = j;
        }
        int offset = 0;
        if (i < n) {
            char sign = s.charAt(i);
            if ((sign != '+' && sign != '-') || n - i != 6 || !digits(s, i + 1, 2) || s.charAt(i + 3) != ':' || !digits(s, i + 4, 2)) {
                return null;
            }
            int oh = num(s, i + 1, 2);
            int om = num(s, i + 4, 2);
            if (oh > 24 || om > 60) {
                return null;
            }
            offset = (oh * 60 + om) * 60 * (sign == '-' ? -1 : 1);
        }
        return new Parsed(LocalDateTime.of(year, month, day, hour, minute, second, nanos), offset);
    }

    /** RFC 3339 with trimmed nanoseconds, {@code Z} for UTC, like Go's {@code time.Time.MarshalText}. */
    static String format(LocalDateTime t, int offsetSeconds) {
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            throw new ConversionException("Time.MarshalText: year outside of range [0,9999]");
        }
        StringBuilder sb = new StringBuilder(35);
        pad(sb, year, 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            StringBuilder frac = new StringBuilder(9);
            pad(frac, nanos, 9);
            int end = frac.length();
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(frac, 0, end);
        }
        if (offsetSeconds == 0) {
            sb.append('Z');
        } else {
            int abs = Math.abs(offsetSeconds);
            sb.append(offsetSeconds < 0 ? '-' : '+');
            pad(sb, abs / 3600, 2).append(':');
            pad(sb, (abs / 60) % 60, 2);
        }
        return sb.toString();
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean digits(String s, int from, int count) {
        if (from + count > s.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int num(String s, int from, int count) {
        return Integer.parseInt(s, from, from + count, 10);
    }
}
