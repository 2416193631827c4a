package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.protocol.text.TextError;
import org.ratmemcache.protocol.text.TextReplies;
import org.ratmemcache.protocol.text.TextRequest;

/**
 * memcached's text commands that manage the server rather than items, with memcached 1.6's
 * replies, argument checks and their order: {@code slabs}, {@code lru_crawler},
 * {@code cache_memlimit}, {@code shutdown}, {@code refresh_certs}, {@code watch} and the
 * {@code stats cachedump} group.
 *
 * <p>There are no slab classes here: every item is in class 1 (as {@code stats items} says), so
 * {@code slabs reassign} never finds a spare page to move and {@code slabs automove} only records
 * its setting. The crawler is the expiry sweeper: {@code crawl} runs a sweep now, {@code enable}
 * and {@code disable} resume and pause it; {@code metadump} and {@code mgdump} list both tiers
 * ({@link ItemDump}). {@code cache_memlimit} resizes L1 at once, up to the size it started with,
 * which is what the JVM's heap was sized for. Rare commands, so arguments are read as strings.
 */
final class AdminCommands {

    /** memcached's slab class ids run from 1 to this, with its default growth factor and item size. */
    static final int SLAB_CLASSES = 39;
    /** cache_memlimit's floor and ceiling in megabytes, as memcached checks them. */
    private static final long MEMLIMIT_MIN = 8;
    private static final long MEMLIMIT_MAX = 1_000_000_000;
    /** memcached's stats cachedump writes at most 2 MiB. */
    private static final int CACHEDUMP_MAX_BYTES = 2 * 1024 * 1024;

    private final TextRequest request;
    private final TextConnectionHandler connection;
    private final Commands commands;
    private final ServerStats settings;
    private final Decimal number = new Decimal();

    AdminCommands(TextRequest request, TextConnectionHandler connection, Commands commands, ServerStats settings) {
        this.request = request;
        this.connection = connection;
        this.commands = commands;
        this.settings = settings;
    }

    /** Executes the ADMIN request; a dump it starts continues through {@link TextConnectionHandler}. */
    void execute() {
        switch (word(0)) {
            case "slabs" -> slabs();
            case "lru_crawler" -> lruCrawler();
            case "cache_memlimit" -> cacheMemlimit();
            case "shutdown" -> shutdown();
            case "watch" -> watch();
            case "refresh_certs" -> reply(commands.refreshCertificates().map(error -> error.equals("TLS not enabled")
                    ? "Error TLS not enabled" : "ERROR " + error).orElse("OK"));
            default -> throw new IllegalStateException("not an admin command: " + word(0));
        }
    }

    /** memcached's token count: the real tokens (at most 23) and its terminal one. */
    private int ntokens() {
        return Math.min(request.tokenCount(), 23) + 1;
    }

    private String word(int token) {
        return token < request.tokenCount() ? (token == 0 ? name() : request.argument(token - 1)) : "";
    }

    private String name() {
        return new String(request.line(), request.tokenStart(0), request.tokenEnd(0) - request.tokenStart(0),
                StandardCharsets.ISO_8859_1);
    }

    private void slabs() {
        int ntokens = ntokens();
        if (ntokens == 5 && word(1).equals("reassign")) {
            slabsReassign();
        } else if (ntokens >= 4 && word(1).equals("automove")) {
            slabsAutomove(ntokens);
        } else {
            reply(TextError.UNKNOWN_COMMAND.line());
        }
    }

    private void slabsReassign() {
        if (!parseSigned32(word(2)) ) {
            reply(TextError.BAD_FORMAT.line());
            return;
        }
        long source = number.value();
        if (!parseSigned32(word(3))) {
            reply(TextError.BAD_FORMAT.line());
            return;
        }
        long destination = number.value();
        if (source == destination) {
            reply("SAME src and dst class are identical");
        } else if (source < 0 || source > SLAB_CLASSES || destination < 0 || destination > SLAB_CLASSES) {
            reply("BADCLASS invalid src or dst class id");
        } else {
            reply("NOSPARE source class has no spare pages");
        }
    }

    private void slabsAutomove(int ntokens) {
        if (word(2).equals("ratio")) {
            Double ratio = ntokens < 5 ? null : parseDouble(word(3));
            if (ratio == null) {
                reply(TextError.UNKNOWN_COMMAND.line());
                return;
            }
            settings.slabAutomoveRatio = ratio;
        } else {
            if (!parseUnsigned32(word(2))) {
                reply(TextError.BAD_FORMAT.line());
                return;
            }
            long level = number.value();
            if (level > 2) {
                reply(TextError.UNKNOWN_COMMAND.line());
                return;
            }
            settings.slabAutomove = (int) level;
        }
        reply(TextReplies.OK);
    }

    private void lruCrawler() {
        int ntokens = ntokens();
        String action = word(1);
        if (ntokens == 4) {
            switch (action) {
                case "crawl" -> crawl();
                case "metadump" -> dump(ItemDump.Format.METADUMP);
                case "mgdump" -> dump(ItemDump.Format.MGDUMP);
                case "tocrawl" -> {
                    if (parseUnsigned32(word(2))) {
                        settings.crawlerToCrawl = number.value();
                        reply(TextReplies.OK);
                    } else {
                        reply(TextError.BAD_FORMAT.line());
                    }
                }
                case "sleep" -> {
                    if (!parseUnsigned32(word(2))) {
                        reply(TextError.BAD_FORMAT.line());
                    } else if (number.value() > 1_000_000) {
                        reply("CLIENT_ERROR sleep must be one second or less");
                    } else {
                        settings.crawlerSleepMicros = number.value();
                        reply(TextReplies.OK);
                    }
                }
                default -> reply(TextError.UNKNOWN_COMMAND.line());
            }
        } else if (ntokens == 3 && action.equals("enable")) {
            reply(commands.crawl(true) ? "OK" : "ERROR failed to start lru crawler thread");
        } else if (ntokens == 3 && action.equals("disable")) {
            reply(commands.crawl(false) || !commands.crawling() ? "OK" : "ERROR failed to stop lru crawler thread");
        } else {
            reply(TextError.UNKNOWN_COMMAND.line());
        }
    }

    private void dump(ItemDump.Format format) {
        String classes = word(2);
        boolean all = classes.equals("all") || classes.equals("hash");
        if (!commands.crawling()) {
            reply("CLIENT_ERROR lru crawler disabled");
        } else if (!commands.dumpsEnabled()) {
            reply("ERROR " + word(1) + " not allowed");
        } else if (!all && classIds(classes) < 0) {
            reply("BADCLASS invalid class id");
        } else if (!all && classIds(classes) == 0) {
            // every item is in class 1: the other classes hold nothing to list
            connection.out().writeBytes(format.end());
        } else {
            connection.startDump(new ItemDump(format, connection, commands));
        }
    }

    private void crawl() {
        String classes = word(2);
        if (!commands.crawling()) {
            reply("CLIENT_ERROR lru crawler disabled");
        } else if (!classes.equals("all") && classIds(classes) < 0) {
            reply("BADCLASS invalid class id");
        } else {
            commands.crawlNow();
            reply(TextReplies.OK);
        }
    }

    /**
     * A comma list of class ids as memcached reads them (each a 32-bit unsigned number from 1 to
     * {@value #SLAB_CLASSES}): -1 if one is not, else 1 if the list names class 1, which holds
     * every item here, and 0 if it does not.
     */
    private int classIds(String classes) {
        int one = 0;
        for (String id : classes.split(",", -1)) {
            if (!parseUnsigned32(id) || number.value() < 1 || number.value() > SLAB_CLASSES) {
                return -1;
            }
            if (number.value() == 1) {
                one = 1;
            }
        }
        return one;
    }

    /**
     * watch [fetchers|mutations|evictions|connevents|...]: OK, then the connection receives the
     * streams' log lines until it closes, and reads nothing more. No stream named: memcached's
     * default, the rare system events, of which there are none here.
     */
    private void watch() {
        if (!commands.policy().watch()) {
            reply("CLIENT_ERROR watch commands not allowed");
            return;
        }
        int streams = 0;
        for (int t = 1; t < request.tokenCount(); t++) {
            Optional<Watchers.Stream> stream = Watchers.Stream.named(word(t));
            if (stream.isEmpty()) {
                reply(TextError.UNKNOWN_COMMAND.line());
                return;
            }
            streams |= stream.get().bit;
        }
        connection.out().writeBytes(TextReplies.OK);
        connection.startWatching(streams);
    }

    /** cache_memlimit MB [noreply]: memcached's checks, then L1 resized. */
    private void cacheMemlimit() {
        // memcached reads the limit into 32 bits, so 4294967296 is 0 there, and too small
        if (!parseUnsigned32(word(1))) {
            reply(TextError.UNKNOWN_COMMAND.line());
            return;
        }
        long megabytes = number.value();
        if (megabytes < MEMLIMIT_MIN) {
            reply("MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m");
        } else if (megabytes > MEMLIMIT_MAX) {
            reply("MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes");
        } else if (megabytes * 1024 * 1024 > commands.startingMaxBytes()) {
            // the heap was sized for the memory the server started with
            reply("MEMLIMIT_ADJUST_FAILED out of bounds or unable to adjust");
        } else {
            commands.resizeMemory(megabytes * 1024 * 1024);
            reply(TextReplies.OK);
        }
    }

    /** shutdown [graceful]: refused unless memcached's -A allowed it; both stop the server gracefully. */
    private void shutdown() {
        int ntokens = ntokens();
        if (!commands.shutdownEnabled()) {
            reply(TextError.SHUTDOWN_DISABLED.line());
        } else if (ntokens == 2 || ntokens == 3 && word(1).equals("graceful")) {
            commands.shutdown(ntokens == 3);
            connection.closeAfterReplies();
        } else {
            reply("CLIENT_ERROR invalid shutdown mode");
        }
    }

    /** stats cachedump CLASS LIMIT: L1's items, those kept longest first, at most LIMIT (0: all). */
    static void cachedump(TextRequest request, ByteBuf out, Commands commands, long nowMillis) {
        if (!commands.dumpsEnabled()) {
            out.writeCharSequence("CLIENT_ERROR stats cachedump not allowed\r\n", StandardCharsets.US_ASCII);
            return;
        }
        if (request.argumentCount() < 3) {
            out.writeCharSequence("CLIENT_ERROR bad command line\r\n", StandardCharsets.US_ASCII);
            return;
        }
        Decimal number = new Decimal();
        byte[] id = request.argument(1).getBytes(StandardCharsets.ISO_8859_1);
        byte[] limit = request.argument(2).getBytes(StandardCharsets.ISO_8859_1);
        if (!number.parseUnsigned32(id, 0, id.length)) {
            out.writeBytes(TextError.BAD_FORMAT.line());
            return;
        }
        long slab = number.value();
        if (!number.parseUnsigned32(limit, 0, limit.length)) {
            out.writeBytes(TextError.BAD_FORMAT.line());
            return;
        }
        long max = number.value();
        if (slab > 63) {
            out.writeCharSequence("CLIENT_ERROR Illegal slab id\r\n", StandardCharsets.US_ASCII);
            return;
        }
        if (slab == 1) {
            int start = out.writerIndex();
            for (Item item : commands.memoryItems(max == 0 ? Integer.MAX_VALUE : (int) Math.min(max, Integer.MAX_VALUE))) {
                if (out.writerIndex() - start > CACHEDUMP_MAX_BYTES) {
                    break; // memcached's bound on the reply
                }
                if (item.expiresAt() != Expiry.NEVER && item.expiresAt() <= nowMillis) {
                    continue;
                }
                out.writeCharSequence("ITEM ", StandardCharsets.US_ASCII);
                out.writeBytes(item.key().array(), item.key().offset(), item.key().length());
                out.writeCharSequence(" [" + item.valueLength() + " b; "
                        + (item.expiresAt() == Expiry.NEVER ? 0 : item.expiresAt() / 1000) + " s]\r\n", StandardCharsets.US_ASCII);
            }
        }
        out.writeBytes(TextReplies.END);
    }

    private boolean parseUnsigned32(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return number.parseUnsigned32(b, 0, b.length);
    }

    private boolean parseSigned32(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return number.parseSigned32(b, 0, b.length);
    }

    /** strtod as memcached's safe_strtod takes it: a whole number, nothing after it. */
    private static Double parseDouble(String text) {
        try {
            return text.isBlank() || !text.strip().equals(text.stripTrailing()) ? null : Double.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void reply(String line) {
        reply((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void reply(byte[] line) {
        if (!request.noreply()) {
            connection.out().writeBytes(line);
        }
    }
}
