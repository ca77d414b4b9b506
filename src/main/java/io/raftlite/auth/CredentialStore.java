package io.raftlite.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The users of an rqlite users file ({@code -auth}): plain-text passwords and permissions per user;
 * the pseudo-user {@code *} grants its permissions to everyone, with or without credentials.
 * Immutable and thread-safe. An instance built from no file allows everything.
 */
public final class CredentialStore {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialStore.class);

    private record User(String password, Set<Permission> permissions) {
    }

    private final Map<String, User> users;
    private final boolean enabled;

    private CredentialStore(Map<String, User> users, boolean enabled) {
        this.users = users;
        this.enabled = enabled;
    }

    /** A store that allows every request (authentication off). */
    public static CredentialStore disabled() {
        return new CredentialStore(Map.of(), false);
    }

    /**
     * Loads a users file: a JSON array of {@code {"username", "password", "perms": [...]}} objects. As in
     * rqlited, a later entry for the same username replaces an earlier one, a missing password is the
     * empty password, and permission names this version does not know are ignored (logged).
     *
     * @throws IllegalArgumentException if the file cannot be read, is not a JSON array, or has an entry
     *     without a username
     */
    public static CredentialStore load(Path file) {
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read users file " + file + ": " + e.getMessage(), e);
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException("users file " + file + " must hold a JSON array");
        }
        Map<String, User> users = new HashMap<>();
        for (JsonNode u : root) {
            String name = u.path("username").asString("");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("users file " + file + ": every user needs a username");
            }
            Set<Permission> perms = EnumSet.noneOf(Permission.class);
            for (JsonNode p : u.path("perms")) {
                Permission perm = Permission.fromWireName(p.asString(""));
                if (perm == null) {
                    // rqlited stores any name and simply never asks for it; refusing to start would break
                    // users files written for other rqlite versions.
                    LOG.warn("users file {}: user '{}' has unknown permission '{}', which grants nothing", file, name,
                            p.asString(""));
                    continue;
                }
                perms.add(perm);
            }
            users.put(name, new User(u.path("password").asString(""), perms));
        }
        return new CredentialStore(Map.copyOf(users), true);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Whether a request with these Basic credentials (either may be null) holds {@code perm}.
     */
    public boolean allows(String username, String password, Permission perm) {
        if (!enabled) {
            return true;
        }
        User everyone = users.get("*");
        if (everyone != null && holds(everyone, perm)) {
            return true;
        }
        if (username == null) {
            return false;
        }
        User u = users.get(username);
        if (u == null || password == null || !MessageDigest.isEqual(
                u.password().getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        return holds(u, perm);
    }

    private static boolean holds(User u, Permission perm) {
        return u.permissions().contains(Permission.ALL) || u.permissions().contains(perm);
    }

    /** The password of {@code username} in the users file, for {@code -join-as}; empty if unknown. */
    public java.util.Optional<String> passwordOf(String username) {
        User u = users.get(username);
        return u == null ? java.util.Optional.empty() : java.util.Optional.of(u.password());
    }
}
