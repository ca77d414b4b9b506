package io.raftlite.config;

/**
 * A {@code host:port} address as rqlited flags give it. The host may be a name, an IPv4 address or a
 * bracketed IPv6 address; it may not be empty, and a scheme ({@code http://}) is refused as rqlited does.
 */
public record HostPort(String host, int port) {

    /** Parses {@code value}; {@code what} names the flag or property in the error message. */
    public static HostPort parse(String value, String what) {
        if (value.contains("://")) {
            throw new RqliteFlags.InvalidFlagException(what + ": \"" + value + "\" should not include a protocol");
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new RqliteFlags.InvalidFlagException(what + ": \"" + value + "\" is not host:port");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new RqliteFlags.InvalidFlagException(what + ": \"" + value + "\" needs brackets around an IPv6 host");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new RqliteFlags.InvalidFlagException(what + ": \"" + value + "\" has no valid port");
        }
        if (port < 0 || port > 65535) {
            throw new RqliteFlags.InvalidFlagException(what + ": port out of range in \"" + value + "\"");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
