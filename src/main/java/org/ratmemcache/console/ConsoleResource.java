package org.ratmemcache.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.health.SmallRyeHealthReporter;

import org.ratmemcache.admin.AdminAccess;
import org.ratmemcache.admin.AdminResource;
import org.ratmemcache.config.RatMemCacheConfig;
import org.ratmemcache.server.MemcachedServer;

/**
 * The web console at {@code /console/}: pages ({@link ConsolePages}) whose data arrive afterwards,
 * by htmx fragments and by the script's polling of the admin API, so that every figure goes
 * through the admin API's access rules ({@link AdminAccess}) and the pages themselves hold
 * nothing to protect.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    /** Keys per page of the browser. */
    static final int PAGE = 25;

    private final AdminResource admin;
    private final AdminAccess access;
    private final MemcachedServer server;
    private final RatMemCacheConfig config;
    private final SmallRyeHealthReporter health;
    private final ConsolePages pages;

    ConsoleResource(AdminResource admin, AdminAccess access, MemcachedServer server, RatMemCacheConfig config,
            SmallRyeHealthReporter health, ConsolePages pages) {
        this.admin = admin;
        this.access = access;
        this.server = server;
        this.config = config;
        this.health = health;
        this.pages = pages;
    }

    /** What every page's frame shows: which page, the version, and what the admin may do. */
    @RegisterForReflection
    public record Frame(String page, String version, String adminUser, boolean changesAllowed, boolean readsProtected) {
    }

    /** A key of the browser's table, and the query that asks for its details. */
    @RegisterForReflection
    public record Row(String key, String encoding, String detailsQuery) {
    }

    /** One health check's outcome. */
    @RegisterForReflection
    public record Check(String name, String status, String data) {
    }

    @GET
    public String dashboard() {
        return page("dashboard");
    }

    @GET
    @Path("/keys")
    public String keys() {
        return page("keys");
    }

    @GET
    @Path("/settings")
    public String settings() {
        return page("settings");
    }

    /** A page of keys, for the key browser's table. */
    @GET
    @Path("/fragments/keys")
    public String keyRows(@QueryParam("prefix") @DefaultValue("") String prefix, @QueryParam("cursor") String cursor) {
        AdminResource.KeysPage page = admin.keys(prefix, String.valueOf(PAGE), cursor, "text");
        List<Row> rows = page.keys().stream()
                .map(key -> new Row(key.key(), key.encoding(), "key=" + encode(key.key()) + "&encoding=" + key.encoding()))
                .toList();
        Map<String, Object> data = new HashMap<>();
        data.put("rows", rows);
        data.put("prefix", prefix);
        data.put("nextQuery", page.cursor() == null ? null : "prefix=" + encode(prefix) + "&cursor=" + encode(page.cursor()));
        return pages.render("keyRows", data);
    }

    /** One key's metadata, for the key browser's details. */
    @GET
    @Path("/fragments/key")
    public String keyDetails(@QueryParam("key") String key, @QueryParam("encoding") @DefaultValue("text") String encoding) {
        return pages.render("keyDetails", Map.of("key", admin.key(key, encoding), "changesAllowed", access.changesAllowed()));
    }

    /** The settings in force, the health checks, version and uptime. */
    @GET
    @Path("/fragments/settings")
    public String settingsBody() {
        Map<String, String> settings = admin.effectiveConfig();
        JsonObject report = health.getHealth().getPayload();
        List<Check> checks = report.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .map(check -> new Check(check.getString("name"), check.getString("status"),
                        check.containsKey("data") && check.get("data").getValueType() == JsonValue.ValueType.OBJECT
                                ? check.getJsonObject("data").toString() : ""))
                .toList();
        return pages.render("settingsBody", Map.of("settings", settings, "healthStatus", report.getString("status"), "checks", checks,
                "version", server.settings().version(), "uptimeSeconds", server.uptimeSeconds()));
    }

    /** Answers only to the admin's credentials: how the sign-in form checks a password. */
    @GET
    @Path("/fragments/signed-in")
    public String signedIn() {
        access.requireAdmin();
        return pages.render("signedIn", Map.of("user", config.admin().username()));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private String page(String name) {
        return pages.render(name, Map.of("frame", new Frame(name, server.settings().version(), config.admin().username(),
                access.changesAllowed(), access.readsProtected())));
    }
}
