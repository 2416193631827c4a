package org.ratmemcache.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.health.SmallRyeHealthReporter;

import org.ratmemcache.admin.AdminAccess;
import org.ratmemcache.admin.AdminResource;
import org.ratmemcache.config.RatMemCacheConfig;
import org.ratmemcache.server.MemcachedServer;

/**
 * The web console at {@code /console/}: Qute pages whose data arrive afterwards, by htmx fragments
 * and by the script's polling of the admin API, so that every figure goes through the admin API's
 * access rules ({@link AdminAccess}) and the pages themselves hold nothing to protect.
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

    ConsoleResource(AdminResource admin, AdminAccess access, MemcachedServer server, RatMemCacheConfig config,
            SmallRyeHealthReporter health) {
        this.admin = admin;
        this.access = access;
        this.server = server;
        this.config = config;
        this.health = health;
    }

    /** What every page's frame shows: which page, the version, and what the admin may do. */
    public record Frame(String page, String version, String adminUser, boolean changesAllowed, boolean readsProtected) {
    }

    /** A key of the browser's table, and the query that asks for its details. */
    public record Row(String key, String encoding, String detailsQuery) {
    }

    /** One health check's outcome. */
    public record Check(String name, String status, String data) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance dashboard(Frame frame);

        static native TemplateInstance keys(Frame frame);

        static native TemplateInstance settings(Frame frame);

        static native TemplateInstance keyRows(List<Row> rows, String prefix, String nextQuery);

        static native TemplateInstance keyDetails(AdminResource.KeyMetadata key, boolean changesAllowed);

        static native TemplateInstance settingsBody(Map<String, String> settings, String healthStatus, List<Check> checks,
                String version, long uptimeSeconds);

        static native TemplateInstance signedIn(String user);
    }

    @GET
    public TemplateInstance dashboard() {
        return Templates.dashboard(frame("dashboard"));
    }

    @GET
    @Path("/keys")
    public TemplateInstance keys() {
        return Templates.keys(frame("keys"));
    }

    @GET
    @Path("/settings")
    public TemplateInstance settings() {
        return Templates.settings(frame("settings"));
    }

    /** A page of keys, for the key browser's table. */
    @GET
    @Path("/fragments/keys")
    public TemplateInstance keyRows(@QueryParam("prefix") @DefaultValue("") String prefix, @QueryParam("cursor") String cursor) {
        AdminResource.KeysPage page = admin.keys(prefix, String.valueOf(PAGE), cursor, "text");
        List<Row> rows = page.keys().stream()
                .map(key -> new Row(key.key(), key.encoding(), "key=" + encode(key.key()) + "&encoding=" + key.encoding()))
                .toList();
        return Templates.keyRows(rows, prefix, page.cursor() == null ? null : "prefix=" + encode(prefix) + "&cursor=" + encode(page.cursor()));
    }

    /** One key's metadata, for the key browser's details. */
    @GET
    @Path("/fragments/key")
    public TemplateInstance keyDetails(@QueryParam("key") String key, @QueryParam("encoding") @DefaultValue("text") String encoding) {
        return Templates.keyDetails(admin.key(key, encoding), access.changesAllowed());
    }

    /** The settings in force, the health checks, version and uptime. */
    @GET
    @Path("/fragments/settings")
    public TemplateInstance settingsBody() {
        Map<String, String> settings = admin.effectiveConfig();
        JsonObject report = health.getHealth().getPayload();
        List<Check> checks = report.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .map(check -> new Check(check.getString("name"), check.getString("status"),
                        check.containsKey("data") && check.get("data").getValueType() == JsonValue.ValueType.OBJECT
                                ? check.getJsonObject("data").toString() : ""))
                .toList();
        return Templates.settingsBody(settings, report.getString("status"), checks, server.settings().version(),
                server.uptimeSeconds());
    }

    /** Answers only to the admin's credentials: how the sign-in form checks a password. */
    @GET
    @Path("/fragments/signed-in")
    public TemplateInstance signedIn() {
        access.requireAdmin();
        return Templates.signedIn(config.admin().username());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private Frame frame(String page) {
        return new Frame(page, server.settings().version(), config.admin().username(), access.changesAllowed(),
                access.readsProtected());
    }
}
