package io.raftlite.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a failed cluster call is worded for operators ({@code /nodes} errors, forwarding errors). */
class ClusterClientTest {

    @Test
    void wrappedExceptionClassNamesAreDropped() {
        RuntimeException e = new RuntimeException(
                "com.alipay.remoting.exception.RemotingException: Create connection failed. The address is 127.0.0.1:4002");
        assertThat(ClusterClient.describe(e)).isEqualTo("Create connection failed. The address is 127.0.0.1:4002");
        assertThat(ClusterClient.describe(new IllegalStateException(
                "java.lang.IllegalStateException: com.alipay.remoting.exception.RemotingException: boom: detail")))
                .isEqualTo("boom: detail");
    }

    @Test
    void timeoutsAreWordedAsRqliteWordsThem() {
        assertThat(ClusterClient.describe(new RuntimeException("com.alipay.remoting.rpc.exception.InvokeTimeoutException: "
                + "Rpc invoke timeout!")))
                .isEqualTo("timeout waiting for node to respond");
    }

    @Test
    void plainMessagesAndMissingMessagesStayReadable() {
        assertThat(ClusterClient.describe(new RuntimeException("Connection refused: 127.0.0.1/127.0.0.1:4002")))
                .isEqualTo("Connection refused: 127.0.0.1/127.0.0.1:4002");
        assertThat(ClusterClient.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(ClusterClient.describe(null)).isEqualTo("no answer");
    }
}
