package org.ratmemcache.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

import org.ratmemcache.config.RatMemCacheConfig;

/**
 * Checks HTTP Basic credentials against {@code ratmemcache.admin.username} and
 * {@code ratmemcache.admin.password}, and grants the {@code admin} role. With no password
 * configured, nobody authenticates.
 */
@ApplicationScoped
public class AdminIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    static final String ADMIN_ROLE = "admin";

    private final RatMemCacheConfig.Admin admin;

    AdminIdentityProvider(RatMemCacheConfig config) {
        this.admin = config.admin();
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        String password = admin.password().orElse(null);
        boolean valid = password != null
                & constantTimeEquals(request.getUsername(), admin.username())
                & constantTimeEquals(new String(request.getPassword().getPassword()), password);
        if (!valid) {
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(request.getUsername()))
                .addRole(ADMIN_ROLE)
                .build());
    }

    /** Whether a password is set: without one, the mutating endpoints stay closed. */
    boolean configured() {
        return admin.password().isPresent();
    }

    private static boolean constantTimeEquals(String given, String expected) {
        return expected != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
