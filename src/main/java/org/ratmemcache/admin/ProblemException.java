package org.ratmemcache.admin;

import jakarta.ws.rs.core.Response;

/** Ends an admin request with a problem response. */
public final class ProblemException extends RuntimeException {

    private final transient Response response;

    ProblemException(Response.Status status, String detail) {
        this(Problem.of(status, detail).toResponse());
    }

    ProblemException(Response response) {
        super(null, null, false, false);
        this.response = response;
    }

    static ProblemException badRequest(String detail) {
        return new ProblemException(Response.Status.BAD_REQUEST, detail);
    }

    static ProblemException notFound(String detail) {
        return new ProblemException(Response.Status.NOT_FOUND, detail);
    }

    Response response() {
        return response;
    }
}
