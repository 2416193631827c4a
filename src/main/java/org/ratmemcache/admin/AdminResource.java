package org.ratmemcache.admin;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.config.SmallRyeConfig;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.ratmemcache.config.RatMemCacheConfig;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.DeleteResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyPage;
import org.ratmemcache.core.Placement;
import org.ratmemcache.server.MemcachedServer;

/**
 * The REST admin API. Reads are public unless {@code ratmemcache.admin.protect-reads} is set;
 * flush and delete need the admin role ({@link AdminAccess}). Errors are problem documents.
 * Methods block on the cache (a key's metadata may need a disk read), so they run on worker
 * threads, never on an event loop.
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;
    /** How much of a value {@code GET /admin/keys/{key}/value} shows. */
    static final int VALUE_SHOWN = 4096;
    private static final Pattern SECRET = Pattern.compile("(?i)password|secret|token|credential");

    private final Cache cache;
    private final CacheView view;
    private final MemcachedServer server;
    private final RatMemCacheConfig config;
    private final AdminAccess access;
    private final StatsHistory history;

    AdminResource(Cache cache, CacheView view, MemcachedServer server, RatMemCacheConfig config, AdminAccess access,
            StatsHistory history) {
        this.cache = cache;
        this.view = view;
        this.server = server;
        this.config = config;
        this.access = access;
        this.history = history;
    }

    /** One key of a listing, as text or base64. */
    public record KeyName(String key, String encoding) {
        static KeyName of(Key key) {
            String encoding = KeyCodec.encodingOf(key);
            return new KeyName(KeyCodec.encode(key, encoding), encoding);
        }
    }

    /** A page of keys, and the cursor of the next page (null after the last). */
    public record KeysPage(List<KeyName> keys, String cursor) {
    }

    /** A key's metadata. {@code ttlSeconds} is -1 for an item that never expires. */
    public record KeyMetadata(String key, String encoding, int size, long flags, long ttlSeconds, Instant expiresAt, String cas,
            String tier, boolean stale) {
    }

    /**
     * The start of a key's value: as text when it is UTF-8, always as hex.
     *
     * @param size      the value's length
     * @param truncated whether more than {@value #VALUE_SHOWN} bytes were cut off
     */
    public record KeyValue(String key, String encoding, int size, boolean truncated, String text, String hex) {
    }

    /** What a flush did. */
    public record Flushed(Instant flushAt, long delaySeconds) {
    }

    @GET
    @Path("/stats")
    @Operation(summary = "Items, bytes, hits, misses, evictions and promotions per tier; hit rate; connections; uptime; memory; disk")
    public AdminStats stats() {
        access.requireReader();
        return AdminStats.read(view, server, config);
    }

    @GET
    @Path("/stats/history")
    @Operation(summary = "The last five minutes, one sample a second: requests per second, hit ratio, latency percentiles, "
            + "evictions per second, and the figures of /admin/stats")
    public List<StatsHistory.Sample> history(@Parameter(description = "only the samples after this sequence number")
            @QueryParam("after") @DefaultValue("-1") String after) {
        access.requireReader();
        return history.after(parseLong("after", after, -1, Long.MAX_VALUE));
    }

    @POST
    @Path("/flush")
    @Operation(summary = "Flushes both tiers, now or after a delay, as memcached's flush_all")
    public Flushed flush(@Parameter(description = "seconds to wait before the flush takes effect")
            @QueryParam("delay") @DefaultValue("0") String delay) {
        access.requireAdmin();
        long seconds = parseLong("delay", delay, 0, Integer.MAX_VALUE);
        long at = cache.clock().millis() + seconds * 1000;
        cache.flushAll(at).join();
        return new Flushed(Instant.ofEpochMilli(at), seconds);
    }

    @GET
    @Path("/keys")
    @Operation(summary = "A page of live keys across both tiers, in byte order; pass the returned cursor for the next page")
    public KeysPage keys(@QueryParam("prefix") @DefaultValue("") String prefix,
            @QueryParam("limit") @DefaultValue("" + DEFAULT_PAGE) String limit,
            @QueryParam("cursor") String cursor,
            @Parameter(description = "how prefix is written: text (default) or base64")
            @QueryParam("encoding") @DefaultValue(KeyCodec.TEXT) String encoding) {
        access.requireReader();
        int size = (int) parseLong("limit", limit, 1, MAX_PAGE);
        byte[] prefixBytes = prefix.isEmpty() ? new byte[0] : KeyCodec.decode(prefix, encoding);
        Key after = cursor == null || cursor.isEmpty() ? null : Key.of(KeyCodec.decode(cursor, KeyCodec.BASE64));
        KeyPage page = join(view.keys(prefixBytes, after, size));
        List<KeyName> names = new ArrayList<>(page.keys().size());
        page.keys().forEach(key -> names.add(KeyName.of(key)));
        return new KeysPage(names, page.next() == null ? null : Base64.getUrlEncoder().withoutPadding().encodeToString(page.next().toBytes()));
    }

    @GET
    @Path("/keys/{key}")
    @Operation(summary = "A key's size, flags, time to live, CAS and tier")
    public KeyMetadata key(@PathParam("key") String key,
            @Parameter(description = "how the key is written: text (default) or base64")
            @QueryParam("encoding") @DefaultValue(KeyCodec.TEXT) String encoding) {
        access.requireReader();
        Key name = Key.of(KeyCodec.decode(key, encoding));
        Placement placement = join(view.locate(name))
                .orElseThrow(() -> ProblemException.notFound("no live item under key '" + key + "'"));
        Item item = placement.item();
        long now = cache.clock().millis();
        boolean expires = item.expiresAt() != Expiry.NEVER;
        String keyEncoding = KeyCodec.encodingOf(name);
        return new KeyMetadata(KeyCodec.encode(name, keyEncoding), keyEncoding, item.valueLength(), Integer.toUnsignedLong(item.flags()),
                expires ? Math.max(0, (item.expiresAt() - now + 999) / 1000) : -1,
                expires ? Instant.ofEpochMilli(item.expiresAt()) : null, Long.toUnsignedString(item.cas()),
                placement.inMemory() && placement.onDisk() ? "l1+l2" : placement.inMemory() ? "l1" : "l2", item.stale());
    }

    @GET
    @Path("/keys/{key}/value")
    @Operation(summary = "The first 4 KiB of a key's value; always needs the admin, since cached values are often private data")
    public KeyValue value(@PathParam("key") String key, @QueryParam("encoding") @DefaultValue(KeyCodec.TEXT) String encoding) {
        access.requireAdmin();
        Key name = Key.of(KeyCodec.decode(key, encoding));
        Item item = join(view.locate(name)).orElseThrow(() -> ProblemException.notFound("no live item under key '" + key + "'")).item();
        byte[] value = item.value();
        int shown = Math.min(value.length, VALUE_SHOWN);
        String keyEncoding = KeyCodec.encodingOf(name);
        return new KeyValue(KeyCodec.encode(name, keyEncoding), keyEncoding, value.length, shown < value.length,
                asText(value, shown), HexFormat.of().formatHex(value, 0, shown));
    }

    @DELETE
    @Path("/keys/{key}")
    @Operation(summary = "Deletes a key from both tiers")
    public Response delete(@PathParam("key") String key, @QueryParam("encoding") @DefaultValue(KeyCodec.TEXT) String encoding) {
        access.requireAdmin();
        DeleteResult result = join(cache.delete(Key.of(KeyCodec.decode(key, encoding)), 0));
        if (result != DeleteResult.DELETED) {
            throw ProblemException.notFound("no live item under key '" + key + "'");
        }
        return Response.noContent().build();
    }

    @GET
    @Path("/config")
    @Operation(summary = "The effective ratmemcache.* configuration, with secrets redacted")
    public Map<String, String> effectiveConfig() {
        access.requireReader();
        SmallRyeConfig smallRye = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
        Map<String, String> settings = new TreeMap<>();
        for (String name : smallRye.getPropertyNames()) {
            if (name.startsWith("ratmemcache.")) {
                String value = smallRye.getConfigValue(name).getValue();
                if (value != null) {
                    settings.put(name, SECRET.matcher(name).find() ? "<redacted>" : value);
                }
            }
        }
        return settings;
    }

    /** The first {@code length} bytes as text if they are UTF-8 (a character cut at the end dropped), else null. */
    private static String asText(byte[] bytes, int length) {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        // a cut short of the end may split one character of up to 4 bytes
        int shortest = length == bytes.length ? length : Math.max(0, length - 3);
        for (int end = length; end >= shortest; end--) {
            try {
                return strict.decode(ByteBuffer.wrap(bytes, 0, end)).toString();
            } catch (CharacterCodingException notUtf8) {
                // one byte shorter, while a cut character may be to blame
            }
        }
        return null;
    }

    private static long parseLong(String name, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(name + " must be a whole number, not '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw ProblemException.badRequest(name + " must be within " + min + ".." + max + ", not " + parsed);
        }
        return parsed;
    }

    private static <T> T join(CompletableFuture<T> result) {
        try {
            return result.join();
        } catch (CompletionException e) {
            throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "the cache failed: " + e.getCause().getMessage());
        }
    }
}
