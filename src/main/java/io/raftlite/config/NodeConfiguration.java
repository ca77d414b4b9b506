package io.raftlite.config;

import io.raftlite.auth.CredentialStore;
import io.raftlite.db.sql.StatementRewriter;
import io.raftlite.store.Store;
import io.raftlite.store.StoreMetrics;
import io.raftlite.store.WriteQueue;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the node's parts from {@link RaftliteProperties}: the store, the write queue, the rewriter, the users. */
@Configuration(proxyBeanMethods = false)
public class NodeConfiguration {

    @Bean(destroyMethod = "close")
    Store store(RaftliteProperties props, ObjectProvider<StoreMetrics> metrics) {
        Store store = new Store(props, metrics.getIfAvailable(() -> StoreMetrics.NONE));
        store.open();
        return store;
    }

    @Bean(destroyMethod = "close")
    WriteQueue writeQueue(RaftliteProperties props, Store store, io.raftlite.cluster.LeaderForwarder forwarder) {
        WriteQueue[] self = new WriteQueue[1];
        self[0] = new WriteQueue(props.writeQueue(), statements -> {
            try {
                return store.execute(statements, self[0].options());
            } catch (io.raftlite.store.NotLeaderException e) {
                if (!e.leaderKnown()) {
                    throw e;
                }
                // A follower's queue is written by the leader; a failure is retried by the queue.
                forwarder.execute(statements, self[0].options(), java.time.Duration.ofSeconds(30));
                return new io.raftlite.store.StoreResult(java.util.List.of(), 0);
            }
        });
        return self[0];
    }

    @Bean
    StatementRewriter statementRewriter() {
        return new StatementRewriter(new SecureRandom(), Clock.systemUTC());
    }

    @Bean
    CredentialStore credentialStore(RaftliteProperties props) {
        return props.authFile().isBlank() ? CredentialStore.disabled() : CredentialStore.load(Path.of(props.authFile()));
    }

    /** The version rqlite clients see in {@code X-RQLITE-VERSION}, e.g. {@code v0.1.0}. */
    @Bean
    NodeVersion nodeVersion(ObjectProvider<BuildProperties> build) {
        BuildProperties b = build.getIfAvailable();
        return new NodeVersion(b == null ? "unknown" : "v" + b.getVersion().replace("-SNAPSHOT", ""));
    }

    /** This node's version string. */
    public record NodeVersion(String value) {
    }
}
