package io.raftlite.auth;

import java.util.Locale;

/** What a user may do; the names are rqlite's. */
public enum Permission {
    ALL, EXECUTE, QUERY, LOAD, BACKUP, STATUS, READY, JOIN, JOIN_READ_ONLY, JOIN_READ_REPLICA, REMOVE, SNAPSHOT,
    LEADER_OPS, UI;

    /** The name as written in a users file, e.g. {@code join-read-only}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a users-file name; null if unknown. */
    public static Permission fromWireName(String name) {
        for (Permission p : values()) {
            if (p.wireName().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
