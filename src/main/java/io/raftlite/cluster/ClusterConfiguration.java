package io.raftlite.cluster;

import io.raftlite.auth.CredentialStore;
import io.raftlite.config.NodeConfiguration.NodeVersion;
import io.raftlite.config.RaftliteProperties;
import io.raftlite.store.Store;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the cluster service, the leader forwarder and the start-up decision. */
@Configuration(proxyBeanMethods = false)
public class ClusterConfiguration {

    @Bean(destroyMethod = "close")
    ClusterClient clusterClient() {
        return new ClusterClient();
    }

    @Bean
    PeerDirectory peerDirectory(RaftliteProperties props) {
        return new PeerDirectory(props.dataDir().toAbsolutePath().resolve("cluster/peers.json"));
    }

    @Bean
    NodeInfo nodeInfo(RaftliteProperties props, NodeVersion version, @Value("${server.address:localhost}") String host,
            @Value("${server.port:4001}") int port) {
        String adv = props.httpAdvAddr().isBlank() ? host + ":" + port : props.httpAdvAddr();
        return new NodeInfo("http://" + adv, version.value());
    }

    @Bean(destroyMethod = "close")
    ClusterService clusterService(Store store, PeerDirectory directory, CredentialStore credentials, NodeInfo info,
            @Value("${server.address:localhost}") String host, @Value("${server.port:4001}") int port) {
        directory.learn(store.nodeId(), store.raftAddress());
        return new ClusterService(store, directory, credentials, info, new LocalHttp(host, port));
    }

    @Bean
    ShutdownHandover shutdownHandover(Store store) {
        return new ShutdownHandover(store);
    }

    @Bean
    LeaderForwarder leaderForwarder(Store store, ClusterClient client) {
        return new LeaderForwarder(store, client);
    }

    @Bean(destroyMethod = "close")
    ClusterBootstrap clusterBootstrap(Store store, RaftliteProperties props, ClusterClient client, ClusterService service,
            LeaderForwarder forwarder, CredentialStore credentials, PeerDirectory directory) {
        String joinAs = props.cluster().joinAs();
        LeaderForwarder.Credentials creds = joinAs.isBlank() ? LeaderForwarder.Credentials.NONE
                : new LeaderForwarder.Credentials(joinAs, credentials.passwordOf(joinAs).orElseThrow(
                        () -> new IllegalArgumentException("-join-as " + joinAs + ": no such user in the users file")));
        ClusterBootstrap bootstrap = new ClusterBootstrap(store, props, client, service, forwarder, creds, directory);
        bootstrap.start();
        return bootstrap;
    }

    /** Where this node keeps what it learned about its peers. */
    static Path clusterDir(RaftliteProperties props) {
        return props.dataDir().toAbsolutePath().resolve("cluster");
    }
}
