package org.ratmemcache.admin;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.identity.SecurityIdentity;

import org.ratmemcache.config.RatMemCacheConfig;

/** Who may do what: the mutating endpoints need the admin role, the reading ones only if configured so. */
@RequestScoped
public class AdminAccess {

    private final SecurityIdentity identity;
    private final AdminIdentityProvider credentials;
    private final boolean protectReads;

    AdminAccess(SecurityIdentity identity, AdminIdentityProvider credentials, RatMemCacheConfig config) {
        this.identity = identity;
        this.credentials = credentials;
        this.protectReads = config.admin().protectReads();
    }

    /** Flush and delete: an authenticated admin, and never anyone while no password is configured. */
    void requireAdmin() {
        if (!credentials.configured()) {
            throw new ProblemException(Response.Status.FORBIDDEN, "no admin credentials are configured, so changes are refused: "
                    + "set ratmemcache.admin.password (env RATMEMCACHE_ADMIN_PASSWORD) and send them with HTTP Basic "
                    + "as user ratmemcache.admin.username (default admin)");
        }
        if (identity.isAnonymous()) {
            throw new ProblemException(challenge());
        }
        if (!identity.hasRole(AdminIdentityProvider.ADMIN_ROLE)) {
            throw new ProblemException(Response.Status.FORBIDDEN, "this endpoint needs the admin role");
        }
    }

    /** Stats, keys and config: public unless ratmemcache.admin.protect-reads is set. */
    void requireReader() {
        if (protectReads) {
            requireAdmin();
        }
    }

    /** The 401 for missing or wrong credentials, with the challenge HTTP Basic needs. */
    static Response challenge() {
        Problem problem = Problem.of(Response.Status.UNAUTHORIZED, "this endpoint needs the admin's credentials (HTTP Basic)");
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"RatMemCache admin\"").build();
    }
}
