package org.ratmemcache.admin;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem: what every admin error answers, as {@code application/problem+json}.
 *
 * @param type   a URI naming the kind of problem ({@code about:blank} when the status says it all)
 * @param title  the status' short wording
 * @param status the HTTP status
 * @param detail what went wrong this time, and what to do about it
 */
public record Problem(String type, String title, int status, String detail) {

    static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

    static Problem of(Response.Status status, String detail) {
        return new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail);
    }

    Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
