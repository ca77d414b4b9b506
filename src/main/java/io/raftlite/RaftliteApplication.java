package io.raftlite;

import io.raftlite.config.RqliteFlags;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Starts one raftlite node. Accepts Spring properties ({@code --raftlite.data-dir=...}) and
 * rqlited-style flags ({@code -node-id n1 -http-addr host:port ... DATA_DIR}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RaftliteApplication {

    public static void main(String[] args) {
        // These must be set before SOFAJRaft's classes load: sofa-common-tools' logging clashes with
        // logback; protobuf 4 warns once per jraft message type without the second; and SOFAJRaft's
        // object pools hold on to every replication buffer that another thread hands back (they
        // queue up there without a bound): 25 MB of a leader's heap under a batch load, so they
        // are off. Each stays overridable with -D.
        defaultProperty("sofa.middleware.log.disable", "true");
        defaultProperty("com.google.protobuf.use_unsafe_pre22_gencode", "true");
        defaultProperty("jraft.recyclers.maxCapacityPerThread", "0");
        NativeLibraryCache.prepare();
        String[] springArgs;
        try {
            springArgs = RqliteFlags.translate(args);
        } catch (RqliteFlags.InvalidFlagException e) {
            System.err.println("raftlite: " + e.getMessage());
            System.err.println("usage: raftlite [flags] [data-directory]");
            System.exit(2);
            return;
        }
        SpringApplication app = new SpringApplication(RaftliteApplication.class);
        app.setDefaultProperties(Map.of("server.tomcat.threads.max", String.valueOf(containerThreads())));
        app.addListeners(new AheadOfTimeMode());
        app.run(springArgs);
    }

    /**
     * Tomcat's worker threads unless {@code server.tomcat.threads.max} says otherwise (any property
     * source overrides a default property): two per core, at least four. Requests that wait (writes
     * for their commit, linearizable and strong reads) hold no thread while they wait, so the
     * threads only ever run work; more of them than cores only contend for the cores. Measured in
     * docs/benchmarks.md; explained in docs/architecture.md ("Container threads").
     */
    static int containerThreads() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    private static void defaultProperty(String name, String value) {
        System.setProperty(name, System.getProperty(name, value));
    }
}
