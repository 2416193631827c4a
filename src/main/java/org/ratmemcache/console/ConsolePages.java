package org.ratmemcache.console;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.TemplateLocator;
import io.quarkus.qute.Variant;

/**
 * The console's Qute engine: the templates under {@code console-templates/} on the class path,
 * HTML-escaped, rendered strictly (a name a template gets wrong fails the page, rather than
 * printing nothing). Qute's engine is used on its own rather than through the quarkus-qute
 * extension, whose dev mode needs an artifact (qute-debug 3.33.2) that cannot be had here.
 */
@Singleton
public class ConsolePages {

    private static final String FOLDER = "console-templates/";

    private final Engine engine = Engine.builder()
            .addDefaults()
            .addValueResolver(new ReflectionValueResolver())
            .addLocator(ConsolePages::locate)
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .strictRendering(true)
            .build();

    /** The template {@code name} ({@code name.html} in the folder) rendered with {@code data}. */
    String render(String name, Map<String, Object> data) {
        return engine.getTemplate(name).data(data).render();
    }

    /** Finds {@code id} or {@code id.html} in the folder, as an HTML template. */
    private static Optional<TemplateLocator.TemplateLocation> locate(String id) {
        String name = id.endsWith(".html") ? id : id + ".html";
        URL resource = Thread.currentThread().getContextClassLoader().getResource(FOLDER + name);
        if (resource == null) {
            return Optional.empty();
        }
        return Optional.of(new TemplateLocator.TemplateLocation() {
            @Override
            public Reader read() {
                try {
                    return new InputStreamReader(resource.openStream(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the console's template " + resource, e);
                }
            }

            @Override
            public Optional<Variant> getVariant() {
                return Optional.of(Variant.forContentType(Variant.TEXT_HTML));
            }
        });
    }
}
