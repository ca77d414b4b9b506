package io.raftlite.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which node ID goes with which Raft address. SOFAJRaft's configuration holds only addresses; the
 * IDs are learned from the nodes themselves (bootstrap notifications, join requests, metadata probes)
 * and kept in {@code cluster/peers.json} so that a dead node can still be removed by its ID. Not
 * replicated: each node learns on its own (the 6.0 design keeps such facts out of Raft).
 * Thread-safe.
 */
public final class PeerDirectory {
    private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final Map<String, String> idByAddress = new ConcurrentHashMap<>();

    public PeerDirectory(Path file) {
        this.file = file;
        load();
    }

    /** Records that {@code nodeId} is at {@code raftAddr}; an ID seen at a new address moves. */
    public void learn(String nodeId, String raftAddr) {
        if (nodeId == null || nodeId.isEmpty() || raftAddr == null || raftAddr.isEmpty()) {
            return;
        }
        if (nodeId.equals(idByAddress.get(raftAddr))) {
            return;
        }
        idByAddress.entrySet().removeIf(e -> e.getValue().equals(nodeId));
        idByAddress.put(raftAddr, nodeId);
        save();
    }

    /** The ID of the node at {@code raftAddr}; the address itself when unknown (the rqlite default ID). */
    public String idOf(String raftAddr) {
        return idByAddress.getOrDefault(raftAddr, raftAddr);
    }

    /** The Raft address of {@code nodeId}, if known. An ID that looks like an address is taken as one. */
    public Optional<String> addressOf(String nodeId) {
        for (Map.Entry<String, String> e : idByAddress.entrySet()) {
            if (e.getValue().equals(nodeId)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            for (var e : root.properties()) {
                idByAddress.put(e.getKey(), e.getValue().asString());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring unreadable {}: {}", file, e.getMessage());
        }
    }

    private synchronized void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(Map.copyOf(idByAddress)), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot save {}: {}", file, e.getMessage());
        }
    }
}
