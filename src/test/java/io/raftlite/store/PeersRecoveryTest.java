package io.raftlite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PeersRecovery}: reading and checking an operator's {@code raft/peers.json}, and renaming it when done. */
class PeersRecoveryTest {
    private static final String SELF = "10.0.0.1:4002";

    @TempDir
    Path raftDir;

    private PeersRecovery find(String json) throws Exception {
        Files.writeString(raftDir.resolve("peers.json"), json);
        return PeersRecovery.find(raftDir, SELF, "n1").orElseThrow();
    }

    /** The problem reported for {@code json}, with the file's path in the message. */
    private String problem(String json) throws Exception {
        Files.writeString(raftDir.resolve("peers.json"), json);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> PeersRecovery.find(raftDir, SELF, "n1"));
        assertThat(t).isInstanceOf(PeersRecovery.InvalidFileException.class);
        assertThat(t.getMessage()).contains(raftDir.resolve("peers.json").toString());
        return t.getMessage();
    }

    @Test
    void noFileMeansNoRecovery() {
        assertThat(PeersRecovery.find(raftDir, SELF, "n1")).isEmpty();
    }

    @Test
    void readsVotersAndNonVotersInRqlitesFormat() throws Exception {
        PeersRecovery r = find("""
                [
                  {"id": "n1", "address": "10.0.0.1:4002", "non_voter": false},
                  {"id": "n2", "address": "db-2.db.ns.svc.cluster.local:4002"},
                  {"id": "r1", "address": "10.0.0.9:4002", "non_voter": true, "extra": "ignored"}
                ]
                """);
        assertThat(r.peers()).containsExactly(
                new PeersRecovery.Peer("n1", "10.0.0.1:4002", false),
                new PeersRecovery.Peer("n2", "db-2.db.ns.svc.cluster.local:4002", false),
                new PeersRecovery.Peer("r1", "10.0.0.9:4002", true));
        Configuration c = r.configuration();
        assertThat(c.getPeers()).containsExactly(PeerId.parsePeer("10.0.0.1:4002"),
                PeerId.parsePeer("db-2.db.ns.svc.cluster.local:4002"));
        assertThat(c.getLearners()).containsExactly(PeerId.parsePeer("10.0.0.9:4002"));
        assertThat(c.isValid()).isTrue();
        assertThat(r.peers().get(1).raftAddress()).isEqualTo("db-2.db.ns.svc.cluster.local:4002");
    }

    @Test
    void comparesConfigurationsIgnoringOrder() throws Exception {
        PeersRecovery r = find("""
                [{"id": "n1", "address": "10.0.0.1:4002"}, {"id": "n2", "address": "10.0.0.2:4002"}]""");
        PeerId a = PeerId.parsePeer("10.0.0.1:4002");
        PeerId b = PeerId.parsePeer("10.0.0.2:4002");
        assertThat(r.isIn(new Configuration(List.of(b, a)))).isTrue();
        assertThat(r.isIn(new Configuration(List.of(a)))).isFalse();
        assertThat(r.isIn(new Configuration(List.of(a, b, PeerId.parsePeer("10.0.0.3:4002"))))).isFalse();
        assertThat(r.isIn(new Configuration(List.of(a, b), List.of(PeerId.parsePeer("10.0.0.9:4002"))))).isFalse();
    }

    @Test
    void refusesWhatIsNotAnArrayOfMembers() throws Exception {
        assertThat(problem("[{\"id\": \"n1\", \"address\": ")).contains("not valid JSON");
        assertThat(problem("")).contains("expected a JSON array");
        assertThat(problem("{\"id\": \"n1\", \"address\": \"10.0.0.1:4002\"}")).contains("expected a JSON array");
        assertThat(problem("[]")).contains("empty");
        assertThat(problem("[\"10.0.0.1:4002\"]")).contains("entry 1 is not an object");
    }

    @Test
    void refusesMissingOrMalformedFields() throws Exception {
        assertThat(problem("[{\"address\": \"10.0.0.1:4002\"}]")).contains("entry 1 has no \"id\"");
        assertThat(problem("[{\"id\": \"n1\"}]")).contains("entry 1 has no \"address\"");
        assertThat(problem("[{\"id\": \"n1\", \"address\": \"10.0.0.1:4002\"}, {\"id\": \"n2\", \"address\": null}]"))
                .contains("entry 2 has no \"address\"");
        assertThat(problem("[{\"id\": \"\", \"address\": \"10.0.0.1:4002\"}]")).contains("\"id\" must be a non-empty string");
        assertThat(problem("[{\"id\": 1, \"address\": \"10.0.0.1:4002\"}]")).contains("\"id\" must be a non-empty string");
        assertThat(problem("[{\"id\": \"n1\", \"address\": \"10.0.0.1\"}]")).contains("is not host:port");
        assertThat(problem("[{\"id\": \"n1\", \"address\": \"http://10.0.0.1:4002\"}]")).contains("protocol");
        assertThat(problem("[{\"id\": \"n1\", \"address\": \"10.0.0.1:4002\", \"non_voter\": \"no\"}]"))
                .contains("\"non_voter\" must be true or false");
    }

    @Test
    void refusesDuplicatesAndAClusterWithoutVoters() throws Exception {
        assertThat(problem("[{\"id\": \"n1\", \"address\": \"10.0.0.1:4002\"}, {\"id\": \"n1\", \"address\": \"10.0.0.2:4002\"}]"))
                .contains("id \"n1\" is listed twice");
        assertThat(problem("[{\"id\": \"n1\", \"address\": \"10.0.0.1:4002\"}, {\"id\": \"n2\", \"address\": \"10.0.0.1:4002\"}]"))
                .contains("address 10.0.0.1:4002 is listed twice");
        assertThat(problem("[{\"id\": \"n1\", \"address\": \"10.0.0.1:4002\", \"non_voter\": true}]"))
                .contains("at least one must vote");
    }

    @Test
    void refusesAFileThatLeavesThisNodeOutOrNamesItDifferently() throws Exception {
        assertThat(problem("[{\"id\": \"n2\", \"address\": \"10.0.0.2:4002\"}]"))
                .contains("does not list this node's Raft address " + SELF);
        // The same host under another name is another address: Raft compares addresses as written.
        assertThat(problem("[{\"id\": \"n1\", \"address\": \"host-1:4002\"}]")).contains("does not list");
        assertThat(problem("[{\"id\": \"n9\", \"address\": \"10.0.0.1:4002\"}]"))
                .contains("with id \"n9\", but this node's id is \"n1\"");
    }

    @Test
    void markAppliedRenamesTheFileAndReplacesAnOlderRecord() throws Exception {
        Files.writeString(raftDir.resolve("peers.json.applied"), "older");
        PeersRecovery r = find("[{\"id\": \"n1\", \"address\": \"10.0.0.1:4002\"}]");
        r.markApplied();
        assertThat(raftDir.resolve("peers.json")).doesNotExist();
        assertThat(Files.readString(raftDir.resolve("peers.json.applied"))).contains("\"n1\"");
        assertThat(PeersRecovery.find(raftDir, SELF, "n1")).as("the renamed file does not recover again").isEmpty();
    }
}
