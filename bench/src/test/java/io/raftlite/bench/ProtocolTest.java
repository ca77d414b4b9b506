package io.raftlite.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {

    private final WorkloadParams p = new WorkloadParams(100, 8, 1000, 20, "tag");

    private static String body(HttpRequest r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    @SuppressWarnings("unchecked")
    void rqliteRequestsAreValidJsonWithParameters() {
        Protocol rq = Protocol.forName("raftlite");
        HttpRequest write = rq.request(Workload.WRITE, 7, p);
        assertThat(write.method()).isEqualTo("POST");
        assertThat(write.path()).isEqualTo("/db/execute");
        List<Object> stmts = (List<Object>) MiniJsonParser.parse(body(write));
        assertThat(stmts).hasSize(1);
        assertThat((List<Object>) stmts.get(0)).containsExactly("INSERT INTO bench(k, v) VALUES(?, ?)", "wtag_7_0",
                "vvvvvvvv");
        List<Object> batch = (List<Object>) MiniJsonParser.parse(body(rq.request(Workload.BATCH, 7, p)));
        assertThat(batch).hasSize(100);
        assertThat(rq.request(Workload.QUEUED, 1, p).path()).isEqualTo("/db/execute?queue");
        assertThat(rq.request(Workload.READ_NONE, 1234, p).path())
                .isEqualTo("/db/query?level=none&q=SELECT+v+FROM+bench+WHERE+k%3D%27k234%27");
        assertThat(rq.request(Workload.READ_LINEARIZABLE, 1, p).path()).startsWith("/db/query?level=linearizable&");
        assertThat(rq.request(Workload.READ_STRONG, 1, p).path()).startsWith("/db/query?level=strong&");
        assertThat(rq.setup()).hasSize(1);
        assertThat(MiniJsonParser.parse(body(rq.setup().get(0)))).isEqualTo(List.of(RqliteApi.CREATE_TABLE));
        assertThat(rq.drain(p).path()).contains("queue").contains("wait");
        for (Workload w : Workload.values()) {
            assertThat(rq.unsupported(w)).isNull();
        }
    }

    @Test
    void rqliteChecksErrorsAndMissingRows() {
        Protocol rq = Protocol.forName("rqlite");
        HttpRequest read = rq.request(Workload.READ_WEAK, 1, p);
        HttpRequest write = rq.request(Workload.WRITE, 1, p);
        assertThat(rq.check(read, resp(200, "{\"results\":[{\"columns\":[\"v\"],\"values\":[[\"v\"]]}]}"))).isNull();
        assertThat(rq.check(read, resp(200, "{\"results\":[{\"columns\":[\"v\"]}]}"))).startsWith("row not found");
        assertThat(rq.check(write, resp(200, "{\"results\":[{\"rows_affected\":1}]}"))).isNull();
        assertThat(rq.check(write, resp(200, "{\"results\":[{\"error\":\"x\"}]}"))).contains("error");
        assertThat(rq.check(write, resp(503, "leader not found"))).startsWith("503");
    }

    @Test
    @SuppressWarnings("unchecked")
    void etcdUsesBase64AndSerializableForNone() {
        Protocol etcd = Protocol.forName("etcd");
        HttpRequest put = etcd.request(Workload.WRITE, 5, p);
        assertThat(put.path()).isEqualTo("/v3/kv/put");
        Map<String, Object> b = (Map<String, Object>) MiniJsonParser.parse(body(put));
        assertThat(new String(Base64.getDecoder().decode((String) b.get("key")), StandardCharsets.UTF_8))
                .isEqualTo("wtag_5_0");
        Map<String, Object> none = (Map<String, Object>) MiniJsonParser.parse(body(etcd.request(Workload.READ_NONE, 3, p)));
        assertThat(none).containsEntry("serializable", true);
        Map<String, Object> weak = (Map<String, Object>) MiniJsonParser.parse(body(etcd.request(Workload.READ_WEAK, 3, p)));
        assertThat(weak).doesNotContainKey("serializable");
        assertThat(new String(Base64.getDecoder().decode((String) weak.get("key")), StandardCharsets.UTF_8))
                .isEqualTo("k3");
        assertThat(etcd.unsupported(Workload.BATCH)).isNotNull();
        assertThat(etcd.unsupported(Workload.QUEUED)).isNotNull();
        assertThat(etcd.unsupported(Workload.READ_STRONG)).isNotNull();
        assertThat(etcd.unsupported(Workload.READ_LINEARIZABLE)).isNull();
        HttpRequest range = etcd.request(Workload.READ_WEAK, 1, p);
        assertThat(etcd.check(range, resp(200, "{\"header\":{},\"count\":\"1\",\"kvs\":[{}]}"))).isNull();
        assertThat(etcd.check(range, resp(200, "{\"header\":{}}"))).startsWith("key not found");
        assertThat(etcd.check(put, resp(200, "{\"error\":\"etcdserver: too many requests\",\"code\":14}")))
                .isNotNull();
        assertThatThrownBy(() -> etcd.request(Workload.BATCH, 1, p)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dqliteDemoPutsAndGetsAndSeesErrorBodies() {
        Protocol dq = Protocol.forName("dqlite");
        HttpRequest put = dq.request(Workload.WRITE, 9, p);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.path()).isEqualTo("/wtag_9_0");
        assertThat(body(put)).isEqualTo("vvvvvvvv");
        assertThat(dq.request(Workload.READ_WEAK, 1001, p).path()).isEqualTo("/k1");
        assertThat(dq.check(put, resp(200, "done\n"))).isNull();
        assertThat(dq.check(put, resp(200, "Error: sql: no rows in result set\n"))).contains("Error");
        assertThat(dq.isBusy(resp(200, "Error: database is locked\n"))).isTrue();
        assertThat(dq.unsupported(Workload.READ_STRONG)).isNotNull();
        assertThat(dq.unsupported(Workload.MIXED)).isNull();
    }

    @Test
    void mixedWorkloadWritesTheRequestedShare() {
        long writes = 0;
        for (long seq = 0; seq < 100_000; seq++) {
            if (p.isMixedWrite(seq)) {
                writes++;
            }
        }
        assertThat(writes).isBetween(19_000L, 21_000L);
    }

    private static HttpResponse resp(int status, String body) {
        return new HttpResponse(status, body.getBytes(StandardCharsets.UTF_8));
    }
}
