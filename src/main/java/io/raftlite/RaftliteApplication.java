package io.raftlite;

import io.raftlite.config.RqliteFlags;
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
        String[] springArgs;
        try {
            springArgs = RqliteFlags.translate(args);
        } catch (RqliteFlags.InvalidFlagException e) {
            System.err.println("raftlite: " + e.getMessage());
            System.err.println("usage: raftlite [flags] [data-directory]");
            System.exit(2);
            return;
        }
        SpringApplication.run(RaftliteApplication.class, springArgs);
    }

    private static void defaultProperty(String name, String value) {
        System.setProperty(name, System.getProperty(name, value));
    }
}
