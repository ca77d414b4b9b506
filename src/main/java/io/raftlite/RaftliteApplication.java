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
        // Both must be set before SOFAJRaft's classes load: sofa-common-tools' logging clashes with
        // logback, and protobuf 4 warns once per jraft message type without the second.
        System.setProperty("sofa.middleware.log.disable", System.getProperty("sofa.middleware.log.disable", "true"));
        System.setProperty("com.google.protobuf.use_unsafe_pre22_gencode",
                System.getProperty("com.google.protobuf.use_unsafe_pre22_gencode", "true"));
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
}
