package org.ratmemcache.admin;

import java.util.function.UnaryOperator;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;

import org.ratmemcache.config.RatMemCacheConfig;

/** Who may do what: the mutating endpoints need the admin role, the reading ones only if configured so. */
@RequestScoped
public class AdminAccess {

    /**
     * The header the console's script sends (htmx sends {@code HX-Request} too): its requests get
     * no {@code WWW-Authenticate} challenge, so that a browser shows the console's own sign-in
     * rather than its built-in password dialog.
     */
    static final String REQUESTED_WITH = "X-Requested-With";
    private static final String HTMX_REQUEST = "HX-Request";

    private final SecurityIdentity identity;
    private final AdminIdentityProvider credentials;
    private final boolean protectReads;
    private final boolean fromScript;

    AdminAccess(SecurityIdentity identity, AdminIdentityProvider credentials, RatMemCacheConfig config, HttpServerRequest request) {
        this.identity = identity;
        this.credentials = credentials;
        this.protectReads = config.admin().protectReads();
        this.fromScript = fromScript(request::getHeader);
    }

    /** Whether the console's script sent the request, by its headers. */
    static boolean fromScript(UnaryOperator<String> header) {
        return header.apply(REQUESTED_WITH) != null || header.apply(HTMX_REQUEST) != null;
    }

    /** Whether changes can be made at all: an admin password is configured. */
    public boolean changesAllowed() {
        return credentials.configured();
    }

    /** Whether reads need the admin's credentials. */
    public boolean readsProtected() {
        return protectReads;
    }

    /** Flush and delete: an authenticated admin, and never anyone while no password is configured. */
    public void requireAdmin() {
        if (!credentials.configured()) {
            throw new ProblemException(Response.Status.FORBIDDEN, "no admin credentials are configured, so changes are refused: "
                    + "set ratmemcache.admin.password (env RATMEMCACHE_ADMIN_PASSWORD) and send them with HTTP Basic "
                    + "as user ratmemcache.admin.username (default admin)");
        }
        if (identity.isAnonymous()) {
            throw new ProblemException(challenge(fromScript));
        }
        if (!identity.hasRole(AdminIdentityProvider.ADMIN_ROLE)) {
            throw new ProblemException(Response.Status.FORBIDDEN, "this endpoint needs the admin role");
        }
    }

    /** Stats, keys and config: public unless ratmemcache.admin.protect-reads is set. */
    public void requireReader() {
        if (protectReads) {
            requireAdmin();
        }
    }

    /** The 401 for missing or wrong credentials, with the challenge HTTP Basic needs. */
    static Response challenge(boolean fromScript) {
        Problem problem = Problem.of(Response.Status.UNAUTHORIZED, "this endpoint needs the admin's credentials (HTTP Basic)");
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (!fromScript) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"RatMemCache admin\"");
        }
        return response.build();
    }
}
