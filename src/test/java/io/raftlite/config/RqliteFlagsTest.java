package io.raftlite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** rqlited-style command lines translated into Spring arguments (spec 8.1, 10.1, 12.13). */
class RqliteFlagsTest {

    private static String[] translate(String... args) {
        return RqliteFlags.translate(args);
    }

    private static void assertRefused(String message, String... args) {
        assertThatThrownBy(() -> RqliteFlags.translate(args))
                .isInstanceOf(RqliteFlags.InvalidFlagException.class)
                .hasMessageContaining(message);
    }

    @Test
    void noArgumentsMeansNoProperties() {
        assertThat(translate()).isEmpty();
    }

    @Test
    void pyrqliteCommandLine() {
        // what pyrqlite runs: <exe> -http-addr localhost:P -raft-addr localhost:R <dir>
        assertThat(translate("-http-addr", "localhost:4101", "-raft-addr", "localhost:4102", "/tmp/x y/data"))
                .containsExactly("--server.address=localhost", "--server.port=4101", "--raftlite.raft-addr=localhost:4102",
                        "--raftlite.data-dir=/tmp/x y/data");
    }

    @Test
    void identityAndAddresses() {
        assertThat(translate("-node-id", "n1", "-http-addr", "0.0.0.0:4001", "-http-adv-addr", "db1.example:4001",
                "-raft-addr", "0.0.0.0:4002", "-raft-adv-addr", "db1.example:4002", "data"))
                .containsExactly("--raftlite.node-id=n1", "--server.address=0.0.0.0", "--server.port=4001",
                        "--raftlite.http-adv-addr=db1.example:4001", "--raftlite.raft-addr=0.0.0.0:4002",
                        "--raftlite.raft-adv-addr=db1.example:4002", "--raftlite.data-dir=data");
    }

    @Test
    void goFlagSyntaxes() {
        // Go's flag package accepts -f v, -f=v, --f v and --f=v alike
        assertThat(translate("-node-id=n1")).containsExactly("--raftlite.node-id=n1");
        assertThat(translate("--node-id", "n1")).containsExactly("--raftlite.node-id=n1");
        assertThat(translate("--node-id=n1")).containsExactly("--raftlite.node-id=n1");
        assertThat(translate("-node-id=")).containsExactly("--raftlite.node-id=");
        assertThat(translate("-node-id", "a=b")).containsExactly("--raftlite.node-id=a=b");
        assertThat(translate("-node-id=a=b")).containsExactly("--raftlite.node-id=a=b");
        // a value that looks like a flag is still the value, as in Go
        assertThat(translate("-node-id", "-x")).containsExactly("--raftlite.node-id=-x");
    }

    @Test
    void flagsMayFollowTheDataDirectory() {
        assertThat(translate("dir", "-node-id", "n1")).containsExactly("--raftlite.node-id=n1", "--raftlite.data-dir=dir");
    }

    @Test
    void springArgumentsPassThrough() {
        assertThat(translate("--server.port=1234", "-node-id", "n1", "--raftlite.raft.read-pool-size=2"))
                .containsExactly("--server.port=1234", "--raftlite.node-id=n1", "--raftlite.raft.read-pool-size=2");
    }

    @Test
    void booleanFlags() {
        assertThat(translate("-fk")).containsExactly("--raftlite.foreign-keys=true");
        assertThat(translate("-fk=true")).containsExactly("--raftlite.foreign-keys=true");
        assertThat(translate("-fk=1")).containsExactly("--raftlite.foreign-keys=true");
        assertThat(translate("-fk=T")).containsExactly("--raftlite.foreign-keys=true");
        assertThat(translate("-fk=false")).containsExactly("--raftlite.foreign-keys=false");
        assertThat(translate("-fk=0")).containsExactly("--raftlite.foreign-keys=false");
        assertThat(translate("-fk=False")).containsExactly("--raftlite.foreign-keys=false");
        assertThat(translate("-write-queue-tx")).containsExactly("--raftlite.write-queue.transaction=true");
        // -raft-no-sync inverts into raftlite.raft.sync
        assertThat(translate("-raft-no-sync")).containsExactly("--raftlite.raft.sync=false");
        assertThat(translate("-raft-no-sync=false")).containsExactly("--raftlite.raft.sync=true");
        // a boolean flag never consumes the next argument: "false" here is the data directory, as in Go
        assertThat(translate("-fk", "false")).containsExactly("--raftlite.foreign-keys=true", "--raftlite.data-dir=false");
        assertRefused("invalid boolean value \"yes\" for -fk", "-fk=yes");
        assertRefused("invalid boolean value \"tRuE\" for -fk", "-fk=tRuE");
    }

    @Test
    void textFlags() {
        assertThat(translate("-auth", "/etc/users.json")).containsExactly("--raftlite.auth-file=/etc/users.json");
        assertThat(translate("-http-allow-origin", "*")).containsExactly("--raftlite.allow-origin=*");
    }

    @Test
    void durationFlagsTakeGoSyntaxAndKeepFullPrecision() {
        assertThat(translate("-raft-election-timeout", "1m30s")).containsExactly("--raftlite.raft.election-timeout=90000000000ns");
        assertThat(translate("-raft-apply-timeout=500ms")).containsExactly("--raftlite.raft.apply-timeout=500000000ns");
        assertThat(translate("-raft-snap-int", "1.5ms")).containsExactly("--raftlite.raft.snapshot-interval=1500000ns");
        assertThat(translate("-write-queue-timeout", "0")).containsExactly("--raftlite.write-queue.timeout=0ns");
        assertRefused("invalid value \"10\" for flag -raft-snap-int: not a duration", "-raft-snap-int", "10");
        assertRefused("invalid value \"PT1S\" for flag -write-queue-timeout", "-write-queue-timeout", "PT1S");
    }

    @Test
    void integerFlags() {
        assertThat(translate("-raft-snap", "100")).containsExactly("--raftlite.raft.snapshot-threshold=100");
        assertThat(translate("-write-queue-capacity=10", "-write-queue-batch-size", "5"))
                .containsExactly("--raftlite.write-queue.capacity=10", "--raftlite.write-queue.batch-size=5");
        assertRefused("invalid value \"lots\" for flag -raft-snap: not an integer", "-raft-snap", "lots");
        assertRefused("invalid value \"1.5\" for flag -write-queue-capacity", "-write-queue-capacity=1.5");
    }

    @Test
    void ipv6Addresses() {
        assertThat(translate("-http-addr", "[::1]:4001")).containsExactly("--server.address=::1", "--server.port=4001");
        assertThat(translate("-raft-addr", "[::1]:4002")).containsExactly("--raftlite.raft-addr=[::1]:4002");
        assertRefused("brackets", "-http-addr", "::1:4001");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-http-addr", "-http-adv-addr", "-raft-addr", "-raft-adv-addr"})
    void badAddressesAreRefusedNamingTheFlag(String flag) {
        assertRefused(flag + ": \"localhost\" is not host:port", flag, "localhost");
        assertRefused(flag + ": \"localhost:\" is not host:port", flag, "localhost:");
        assertRefused(flag + ": \"localhost:http\" has no valid port", flag, "localhost:http");
        assertRefused(flag + ": port out of range", flag, "localhost:65536");
        assertRefused(flag + ": \"http://localhost:4001\" should not include a protocol", flag, "http://localhost:4001");
    }

    @Test
    void unknownFlagsAreRefusedByName() {
        assertRefused("flag provided but not defined: -bogus", "-node-id", "n1", "-bogus", "x");
        assertRefused("flag provided but not defined: -bogus", "--bogus");
        assertRefused("flag provided but not defined: -Node-Id", "-Node-Id", "n1");
        // the message lists what is supported
        assertRefused("-node-id", "-bogus");
    }

    @Test
    void missingValuesAreRefused() {
        assertRefused("flag needs an argument: -node-id", "-node-id");
        assertRefused("flag needs an argument: -http-addr", "dir", "-http-addr");
    }

    @Test
    void onlyOneDataDirectory() {
        assertRefused("only one data directory may be given, got 'a' and 'b'", "a", "b");
    }

    @Test
    void hostPortFormatting() {
        assertThat(HostPort.parse("example.com:80", "x")).isEqualTo(new HostPort("example.com", 80));
        assertThat(HostPort.parse("[::1]:80", "x").toString()).isEqualTo("[::1]:80");
        assertThat(HostPort.parse("127.0.0.1:0", "x").toString()).isEqualTo("127.0.0.1:0");
    }
}
