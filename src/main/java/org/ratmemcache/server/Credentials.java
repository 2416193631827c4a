package org.ratmemcache.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The users allowed on the memcached port, from the {@code user:password} lines of memcached's
 * {@code -Y} auth file or upstream's {@code MEMCACHED_SASL_PWDB} file.
 *
 * <p>Passwords are kept only as SHA-256 digests, and a check compares digests with
 * {@link MessageDigest#isEqual}, whose time does not depend on where they differ; an unknown user
 * is compared against a digest too, so that the time does not tell which users exist. Nothing
 * here, {@link #toString} included, ever shows a name or a password.
 */
public final class Credentials {

    /** memcached's bound on a user name or a password in its auth file. */
    static final int MAX_LENGTH = 255;
    /** More users than any deployment names in a file; a bound on what the file can make us hold. */
    static final int MAX_USERS = 10_000;

    private static final byte[] NO_USER = digest("no such user".getBytes(StandardCharsets.UTF_8));

    private final Map<String, byte[]> digests;
    private final String source;

    private Credentials(Map<String, byte[]> digests, String source) {
        this.digests = Map.copyOf(digests);
        this.source = source;
    }

    /**
     * Reads {@code user:password} lines (the password is the rest of the line, colons included);
     * blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the file and the line number of what is wrong
     */
    public static Credentials load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the credentials file " + file + ": " + e.getMessage(), e);
        }
        Map<String, byte[]> digests = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).stripTrailing();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected user:password");
            }
            String user = line.substring(0, colon);
            byte[] password = line.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
            if (user.length() > MAX_LENGTH || password.length > MAX_LENGTH) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": a user or password over " + MAX_LENGTH + " bytes");
            }
            if (digests.put(user, digest(password)) != null) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": a user named twice");
            }
            if (digests.size() > MAX_USERS) {
                throw new IllegalArgumentException(file + ": more than " + MAX_USERS + " users");
            }
        }
        if (digests.isEmpty()) {
            throw new IllegalArgumentException(file + " names no user: nobody could connect");
        }
        return new Credentials(digests, file.toString());
    }

    /** Users and passwords given in code (the library, tests). */
    public static Credentials of(Map<String, String> passwords) {
        Map<String, byte[]> digests = new HashMap<>();
        passwords.forEach((user, password) -> digests.put(user, digest(password.getBytes(StandardCharsets.UTF_8))));
        return new Credentials(digests, "given users");
    }

    /** Whether {@code password} is {@code user}'s, in time that tells neither where it differs nor whether the user exists. */
    public boolean verify(byte[] user, byte[] password) {
        byte[] expected = digests.get(new String(user, StandardCharsets.UTF_8));
        boolean match = MessageDigest.isEqual(expected != null ? expected : NO_USER, digest(password));
        return expected != null && match;
    }

    /** Where the users came from (a file name), for stats settings and logs. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "Credentials[" + digests.size() + " users from " + source + "]";
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
