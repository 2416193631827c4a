package org.ratmemcache.admin;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.AuthenticationFailedException;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Problem documents for the admin API and the console alike. */
public class ProblemMappers {

    @ServerExceptionMapper
    Response problem(ProblemException problem) {
        return problem.response();
    }

    /** A wrong user or password, sent with HTTP Basic. */
    @ServerExceptionMapper
    Response wrongCredentials(AuthenticationFailedException failed, HttpHeaders headers) {
        return AdminAccess.challenge(AdminAccess.fromScript(headers::getHeaderString));
    }
}
