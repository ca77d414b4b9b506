package io.raftlite.bench;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request: method, path with query, optional body.
 *
 * @param body null for no body
 */
public record HttpRequest(String method, String path, byte[] body) {

    public static HttpRequest get(String path) {
        return new HttpRequest("GET", path, null);
    }

    public static HttpRequest post(String path, String body) {
        return new HttpRequest("POST", path, body.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpRequest put(String path, String body) {
        return new HttpRequest("PUT", path, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes on the wire, headers and body in one array so each request is a single write. */
    byte[] encode(String hostHeader) {
        StringBuilder h = new StringBuilder(96 + path.length());
        h.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        if (body != null) {
            h.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        h.append("\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null || body.length == 0) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    @Override
    public String toString() {
        return method + " " + path + (body == null ? "" : " " + new String(body, StandardCharsets.UTF_8));
    }
}
