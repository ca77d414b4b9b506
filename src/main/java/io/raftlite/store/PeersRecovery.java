package io.raftlite.store;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.util.Endpoint;
import io.raftlite.config.HostPort;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The way out of a permanent loss of quorum, as rqlite operators know it: the operator writes
 * {@code raft/peers.json} into the data directory of every surviving node, listing the members the
 * cluster consists of from now on, and restarts them. Each node then starts with exactly that
 * configuration instead of the one in its log, keeping its log, snapshot and database.
 *
 * <p>The format is rqlite's: a JSON array of {@code {"id": "...", "address": "host:port",
 * "non_voter": false}}, where {@code address} is the Raft address and {@code non_voter} may be
 * omitted. This class reads and checks the file; {@link Store} applies it. A file that cannot be used
 * stops the node with an {@link InvalidFileException} naming the file: starting with the old
 * configuration would leave the operator believing the cluster was recovered.
 *
 * <p>Unlike rqlite, which deletes the file, it is renamed to {@code peers.json.applied} once done, as
 * a record of what was applied; that name never triggers a recovery. Not to be confused with
 * {@code cluster/peers.json}, which maps node IDs to addresses and is kept by the cluster package.
 */
public final class PeersRecovery {
    /** The file's name inside the Raft directory ({@code <data>/raft}). */
    public static final String FILE_NAME = "peers.json";
    /** The name the file gets once the configuration it lists is in effect. */
    public static final String APPLIED_FILE_NAME = FILE_NAME + ".applied";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One member as the file lists it; {@code address} is the Raft address. */
    public record Peer(String id, String address, boolean nonVoter) {
        PeerId peerId() {
            HostPort hp = HostPort.parse(address, "address");
            return new PeerId(new Endpoint(hp.host(), hp.port()), 0);
        }

        /** The address as the Raft configuration spells it (what {@code /nodes} shows as {@code addr}). */
        public String raftAddress() {
            return peerId().getEndpoint().toString();
        }
    }

    /** The recovery file exists but cannot be applied; the message names the file and the problem. */
    public static final class InvalidFileException extends RuntimeException {
        InvalidFileException(Path file, String problem) {
            super("invalid recovery file " + file + ": " + problem
                    + ". Fix or remove the file, then start the node again");
        }
    }

    private final Path file;
    private final List<Peer> peers;

    private PeersRecovery(Path file, List<Peer> peers) {
        this.file = file;
        this.peers = List.copyOf(peers);
    }

    /**
     * Reads and checks {@code raftDir/peers.json}, if there is one: it must be valid, and it must list
     * this node at its advertised Raft address under its own node ID.
     *
     * @param selfAddress this node's advertised Raft address ({@code -raft-adv-addr})
     * @param selfId this node's ID ({@code -node-id}, which defaults to the advertised address)
     * @throws InvalidFileException if the file exists but cannot be applied
     */
    public static Optional<PeersRecovery> find(Path raftDir, String selfAddress, String selfId) {
        Path file = raftDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidFileException(file, "cannot read it (" + e.getMessage() + ")");
        }
        List<Peer> peers;
        try {
            peers = parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidFileException(file, e.getMessage());
        }
        HostPort self = HostPort.parse(selfAddress, "raft advertised address");
        Peer own = peers.stream().filter(p -> HostPort.parse(p.address(), "address").equals(self)).findFirst()
                .orElseThrow(() -> new InvalidFileException(file, "it does not list this node's Raft address "
                        + selfAddress + " (its -raft-adv-addr, or -raft-addr if that is not set; addresses are"
                        + " compared as written, so a host name and its IP address differ); list every node that is"
                        + " to be in the recovered cluster, this one included"));
        if (!own.id().equals(selfId)) {
            throw new InvalidFileException(file, "it lists this node's Raft address " + selfAddress + " with id \""
                    + own.id() + "\", but this node's id is \"" + selfId + "\"");
        }
        return Optional.of(new PeersRecovery(file, peers));
    }

    /**
     * Parses the file's text and checks it: a non-empty array of members with an {@code id} and a
     * {@code host:port} {@code address} each, no ID or address twice, at least one voter.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static List<Peer> parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || root.isMissingNode() || !root.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of {\"id\", \"address\", \"non_voter\"} objects");
        }
        if (root.isEmpty()) {
            throw new IllegalArgumentException("the array is empty; it must list at least one node");
        }
        List<Peer> peers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<HostPort> addresses = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode e = root.get(i);
            String where = "entry " + (i + 1);
            if (!e.isObject()) {
                throw new IllegalArgumentException(where + " is not an object");
            }
            String id = text(e, "id", where);
            String address = text(e, "address", where);
            HostPort hp;
            try {
                hp = HostPort.parse(address, where + " address");
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(ex.getMessage());
            }
            JsonNode nv = e.get("non_voter");
            if (nv != null && !nv.isBoolean()) {
                throw new IllegalArgumentException(where + ": \"non_voter\" must be true or false");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException("id \"" + id + "\" is listed twice");
            }
            if (!addresses.add(hp)) {
                throw new IllegalArgumentException("address " + address + " is listed twice");
            }
            peers.add(new Peer(id, address, nv != null && nv.asBoolean()));
        }
        if (peers.stream().allMatch(Peer::nonVoter)) {
            throw new IllegalArgumentException("every node is a non-voter; at least one must vote");
        }
        return peers;
    }

    private static String text(JsonNode entry, String field, String where) {
        JsonNode v = entry.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(where + " has no \"" + field + "\"");
        }
        if (!v.isString() || v.asString().isBlank()) {
            throw new IllegalArgumentException(where + ": \"" + field + "\" must be a non-empty string");
        }
        return v.asString().strip();
    }

    /** The members as listed. */
    public List<Peer> peers() {
        return peers;
    }

    public Path file() {
        return file;
    }

    public Path appliedFile() {
        return file.resolveSibling(APPLIED_FILE_NAME);
    }

    /** The configuration the file asks for: voters, and learners (read replicas) from {@code non_voter} entries. */
    public Configuration configuration() {
        return new Configuration(peers.stream().filter(p -> !p.nonVoter()).map(Peer::peerId).toList(),
                peers.stream().filter(Peer::nonVoter).map(Peer::peerId).toList());
    }

    /** True if {@code conf} has exactly the file's voters and learners, in any order. */
    public boolean isIn(Configuration conf) {
        Configuration want = configuration();
        return Set.copyOf(conf.getPeers()).equals(Set.copyOf(want.getPeers()))
                && Set.copyOf(conf.getLearners()).equals(Set.copyOf(want.getLearners()));
    }

    /**
     * Renames the file to {@link #APPLIED_FILE_NAME} (replacing an older one) and makes the rename
     * durable, so that a later start does not reset the configuration again.
     */
    public void markApplied() throws IOException {
        Files.move(file, appliedFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
