package io.raftlite.http;

/** The request cannot be understood; answered with 400 (or the given 4xx) and the message as plain text. */
public final class BadRequestException extends RuntimeException {
    private final int status;

    public BadRequestException(String message) {
        this(400, message);
    }

    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
