package io.raftlite.cluster;

/**
 * What this node tells others about itself.
 *
 * @param apiUrl the advertised HTTP API, {@code http://host:port}
 * @param version the version string ({@code X-RQLITE-VERSION})
 */
public record NodeInfo(String apiUrl, String version) {
}
