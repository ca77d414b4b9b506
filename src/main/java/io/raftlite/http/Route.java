package io.raftlite.http;

import io.raftlite.auth.Permission;
import java.util.List;
import java.util.Set;

/**
 * rqlite's routing table: which paths exist, how they match (exact or prefix, so {@code /db/executeX}
 * is {@code /db/execute}), their methods and the permissions they need.
 */
enum Route {
    EXECUTE("/db/execute", true, Set.of("POST"), Permission.EXECUTE),
    QUERY("/db/query", true, Set.of("GET", "POST"), Permission.QUERY),
    REQUEST("/db/request", true, Set.of("POST"), Permission.QUERY, Permission.EXECUTE),
    SQL("/db/sql", true, Set.of("GET", "POST"), Permission.QUERY),
    BACKUP("/db/backup", true, Set.of("GET"), Permission.BACKUP),
    LOAD("/db/load", true, Set.of("POST"), Permission.LOAD),
    BOOT("/boot", false, Set.of("POST"), Permission.LOAD),
    SNAPSHOT("/snapshot", false, Set.of("POST"), Permission.SNAPSHOT),
    REAP("/reap", false, Set.of("POST"), Permission.SNAPSHOT),
    REMOVE("/remove", true, Set.of("DELETE"), Permission.REMOVE),
    STATUS("/status", true, Set.of("GET"), Permission.STATUS),
    NODES("/nodes", true, Set.of("GET"), Permission.STATUS),
    LEADER("/leader", false, Set.of("GET", "POST"), Permission.LEADER_OPS),
    READYZ("/readyz", true, Set.of("GET"), Permission.READY),
    LICENSES("/licenses", false, Set.of("GET"), Permission.STATUS),
    DEBUG_VARS("/debug/vars", false, Set.of(), Permission.STATUS);

    private final String path;
    private final boolean prefix;
    private final Set<String> methods;
    private final List<Permission> permissions;

    Route(String path, boolean prefix, Set<String> methods, Permission... permissions) {
        this.path = path;
        this.prefix = prefix;
        this.methods = methods;
        this.permissions = List.of(permissions);
    }

    String path() {
        return path;
    }

    List<Permission> permissions() {
        return permissions;
    }

    /** Empty set means any method. */
    boolean allows(String method) {
        return methods.isEmpty() || methods.contains(method);
    }

    /** The route serving {@code path}, or null if rqlite has none. */
    static Route match(String path) {
        for (Route r : values()) {
            if (r.prefix ? path.startsWith(r.path) : path.equals(r.path)) {
                return r;
            }
        }
        return null;
    }
}
