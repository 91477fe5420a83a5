package dev.stepwise.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-style error: an HTTP status and {@code {"error": {"message", "type", "param", "code"}}}.
 * Thrown while a request is mapped or checked, and turned into the response by the server.
 */
public final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public static final String INVALID_REQUEST = "invalid_request_error";

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(final int status, final String type, final String param, final String code, final String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** A 400 about one request field. */
    public static ApiError badRequest(final String param, final String code, final String message) {
        return new ApiError(400, INVALID_REQUEST, param, code, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** {@code {"error": {...}}}, the body of an error response. */
    public ObjectNode toJson() {
        final ObjectNode root = Jsons.MAPPER.createObjectNode();
        fill(root.putObject("error"));
        return root;
    }

    /** Writes message, type, param and code into {@code error}. */
    void fill(final ObjectNode error) {
        error.put("message", getMessage()).put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
    }
}
