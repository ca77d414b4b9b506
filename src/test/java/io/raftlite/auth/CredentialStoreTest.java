package io.raftlite.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users file and rqlite's check algorithm (spec 9.1-9.3). */
class CredentialStoreTest {
    @TempDir
    Path dir;

    private CredentialStore load(String json) throws IOException {
        Path file = dir.resolve("users.json");
        Files.writeString(file, json);
        return CredentialStore.load(file);
    }

    @Test
    void disabledStoreAllowsEverything() {
        CredentialStore none = CredentialStore.disabled();
        assertThat(none.enabled()).isFalse();
        for (Permission p : Permission.values()) {
            assertThat(none.allows(null, null, p)).isTrue();
            assertThat(none.allows("nobody", "wrong", p)).isTrue();
        }
    }

    @Test
    void specExample() throws IOException {
        CredentialStore s = load("""
                [
                  {"username": "ops",    "password": "s3cr3t", "perms": ["all"]},
                  {"username": "reader", "password": "r34d",   "perms": ["query", "status"]},
                  {"username": "*",                            "perms": ["ready", "status"]}
                ]""");
        assertThat(s.enabled()).isTrue();
        // "all" grants every permission
        for (Permission p : Permission.values()) {
            assertThat(s.allows("ops", "s3cr3t", p)).as(p.wireName()).isTrue();
        }
        // a wrong password loses everything except what "*" grants
        assertThat(s.allows("ops", "wrong", Permission.EXECUTE)).isFalse();
        assertThat(s.allows("ops", "wrong", Permission.STATUS)).isTrue();
        assertThat(s.allows("ops", null, Permission.EXECUTE)).isFalse();
        // the reader holds exactly its own permissions plus those of "*"
        assertThat(s.allows("reader", "r34d", Permission.QUERY)).isTrue();
        assertThat(s.allows("reader", "r34d", Permission.STATUS)).isTrue();
        assertThat(s.allows("reader", "r34d", Permission.READY)).isTrue();
        assertThat(s.allows("reader", "r34d", Permission.EXECUTE)).isFalse();
        assertThat(s.allows("reader", "r34d", Permission.BACKUP)).isFalse();
        // passwords are compared exactly
        assertThat(s.allows("reader", "R34D", Permission.QUERY)).isFalse();
        assertThat(s.allows("reader", "r34d ", Permission.QUERY)).isFalse();
        assertThat(s.allows("reader", "", Permission.QUERY)).isFalse();
        // usernames too
        assertThat(s.allows("Reader", "r34d", Permission.QUERY)).isFalse();
    }

    @Test
    void everyoneGrantsWithoutLookingAtCredentials() throws IOException {
        CredentialStore s = load("""
                [{"username": "u", "password": "p", "perms": ["execute"]},
                 {"username": "*", "perms": ["ready", "query"]}]""");
        assertThat(s.allows(null, null, Permission.READY)).isTrue();
        assertThat(s.allows(null, null, Permission.QUERY)).isTrue();
        assertThat(s.allows("u", "wrong password", Permission.QUERY)).isTrue();
        assertThat(s.allows("nobody", "x", Permission.READY)).isTrue();
        assertThat(s.allows(null, null, Permission.EXECUTE)).isFalse();
        assertThat(s.allows(null, null, Permission.STATUS)).isFalse();
        assertThat(s.allows("u", "wrong password", Permission.EXECUTE)).isFalse();
        assertThat(s.allows("u", "p", Permission.EXECUTE)).isTrue();
        assertThat(s.allows("u", "p", Permission.QUERY)).isTrue();
        assertThat(s.allows("u", "p", Permission.STATUS)).isFalse();
    }

    @Test
    void everyoneWithAllOpensEverything() throws IOException {
        CredentialStore s = load("[{\"username\": \"*\", \"perms\": [\"all\"]}]");
        assertThat(s.enabled()).isTrue();
        for (Permission p : Permission.values()) {
            assertThat(s.allows(null, null, p)).isTrue();
            assertThat(s.allows("x", "y", p)).isTrue();
        }
    }

    @Test
    void withoutCredentialsOnlyEveryoneCounts() throws IOException {
        CredentialStore s = load("[{\"username\": \"u\", \"password\": \"p\", \"perms\": [\"all\"]}]");
        for (Permission p : Permission.values()) {
            assertThat(s.allows(null, null, p)).isFalse();
            assertThat(s.allows("u", null, p)).isFalse();
            assertThat(s.allows("", "p", p)).isFalse();
            assertThat(s.allows("u", "p", p)).isTrue();
        }
    }

    @Test
    void missingPasswordIsTheEmptyPassword() throws IOException {
        CredentialStore s = load("[{\"username\": \"guest\", \"perms\": [\"status\"]}]");
        assertThat(s.allows("guest", "", Permission.STATUS)).isTrue();
        assertThat(s.allows("guest", "x", Permission.STATUS)).isFalse();
        assertThat(s.allows("guest", null, Permission.STATUS)).isFalse();
    }

    @Test
    void userWithoutPermsCanDoNothing() throws IOException {
        CredentialStore s = load("[{\"username\": \"u\", \"password\": \"p\"}, {\"username\": \"v\", \"password\": \"q\", \"perms\": []}]");
        for (Permission p : Permission.values()) {
            assertThat(s.allows("u", "p", p)).isFalse();
            assertThat(s.allows("v", "q", p)).isFalse();
        }
    }

    @Test
    void laterEntryForTheSameUserReplacesTheEarlierOne() throws IOException {
        CredentialStore s = load("""
                [{"username": "u", "password": "old", "perms": ["execute"]},
                 {"username": "u", "password": "new", "perms": ["query"]}]""");
        assertThat(s.allows("u", "old", Permission.EXECUTE)).isFalse();
        assertThat(s.allows("u", "new", Permission.EXECUTE)).isFalse();
        assertThat(s.allows("u", "new", Permission.QUERY)).isTrue();
    }

    @Test
    void everyPermissionNameIsRecognised() throws IOException {
        String[] names = {"all", "execute", "query", "load", "backup", "status", "ready", "join", "join-read-only",
            "join-read-replica", "remove", "snapshot", "leader-ops", "ui"};
        assertThat(names).hasSize(Permission.values().length);
        for (String name : names) {
            Permission p = Permission.fromWireName(name);
            assertThat(p).as(name).isNotNull();
            assertThat(p.wireName()).isEqualTo(name);
            if (p != Permission.ALL) {
                CredentialStore s = load("[{\"username\": \"u\", \"password\": \"p\", \"perms\": [\"" + name + "\"]}]");
                assertThat(s.allows("u", "p", p)).as(name).isTrue();
                for (Permission other : Permission.values()) {
                    if (other != p) {
                        assertThat(s.allows("u", "p", other)).as(name + " grants " + other).isFalse();
                    }
                }
            }
        }
        assertThat(Permission.fromWireName("QUERY")).isNull();
        assertThat(Permission.fromWireName("leader_ops")).isNull();
    }

    @Test
    void unknownPermissionNamesGrantNothingButDoNotFailTheFile() throws IOException {
        // rqlited stores any name; a users file written for another version must still load.
        CredentialStore s = load("[{\"username\": \"u\", \"password\": \"p\", \"perms\": [\"query\", \"future-perm\", \"QUERY\"]}]");
        assertThat(s.allows("u", "p", Permission.QUERY)).isTrue();
        assertThat(s.allows("u", "p", Permission.EXECUTE)).isFalse();
    }

    @Test
    void unicodePasswords() throws IOException {
        CredentialStore s = load("[{\"username\": \"zoë\", \"password\": \"pässwörd€\", \"perms\": [\"query\"]}]");
        assertThat(s.allows("zoë", "pässwörd€", Permission.QUERY)).isTrue();
        assertThat(s.allows("zoë", "passwörd€", Permission.QUERY)).isFalse();
    }

    @Test
    void malformedFilesAreRejected() throws IOException {
        assertThatThrownBy(() -> load("{\"username\": \"u\"}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON array");
        assertThatThrownBy(() -> load("[{\"username\": \"u\"")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("users.json");
        assertThatThrownBy(() -> load("[{\"password\": \"p\", \"perms\": [\"all\"]}]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("username");
        assertThatThrownBy(() -> CredentialStore.load(dir.resolve("missing.json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.json");
    }

    @Test
    void emptyArrayEnablesAuthAndDeniesEverything() throws IOException {
        CredentialStore s = load("[]");
        assertThat(s.enabled()).isTrue();
        for (Permission p : Permission.values()) {
            assertThat(s.allows(null, null, p)).isFalse();
        }
    }
}
