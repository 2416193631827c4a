package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Cache;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyPage;

/**
 * lru_crawler metadump and mgdump: every live item of both tiers, one line each, streamed a page
 * of keys at a time so that a dump of millions of items holds one page in memory. Resumable: it
 * stops when a page or an item must come from the disk, or when the client falls behind, and the
 * connection calls {@link #proceed} again once it may go on.
 *
 * <p>memcached walks its hash table or LRUs; here the order is the keys' unsigned byte order.
 * An item deleted or expired while the dump runs is left out; one stored meanwhile may or may not
 * be listed, as in memcached.
 */
final class ItemDump {

    /** Keys asked for per page. */
    static final int PAGE = 1000;

    /** The line each item becomes, and the dump's last. */
    enum Format {
        /** {@code key=<uri-encoded> exp=<unix time|-1> la=<unix time> cas=N fetch=yes|no cls=1 size=N\n}, then END. */
        METADUMP("END\r\n"),
        /** {@code mg <key>\r\n} (base64 with {@code b} for a binary key), then EN: replayable meta gets. */
        MGDUMP("EN\r\n");

        private final byte[] end;

        Format(String end) {
            this.end = end.getBytes(StandardCharsets.US_ASCII);
        }

        byte[] end() {
            return end;
        }
    }

    private final Format format;
    private final TextConnectionHandler connection;
    private final Commands commands;
    private final Consumer<KeyPage> pageArrived = this::pageArrived;
    private final Consumer<Item> itemArrived = this::write;
    private final StringBuilder line = new StringBuilder(128);

    private KeyPage page;
    private int index;
    /** Where the next page starts; null before the first. */
    private Key after;
    private boolean lastPage;

    ItemDump(Format format, TextConnectionHandler connection, Commands commands) {
        this.format = format;
        this.connection = connection;
        this.commands = commands;
    }

    /** Writes what it can without waiting; true once the dump, END included, is written. */
    boolean proceed() {
        while (true) {
            if (page == null) {
                if (!connection.answer(commands.keys(after, PAGE), pageArrived)) {
                    return false;
                }
                continue;
            }
            if (index == page.keys().size()) {
                if (lastPage) {
                    connection.out().writeBytes(format.end());
                    return true;
                }
                page = null;
                continue;
            }
            Key key = page.keys().get(index++);
            if (!connection.answer(commands.peek(key), itemArrived) || !connection.mayContinue()) {
                return false;
            }
        }
    }

    private void pageArrived(KeyPage arrived) {
        page = arrived;
        index = 0;
        after = arrived.next();
        lastPage = arrived.next() == null;
    }

    private void write(Item item) {
        if (item == null) {
            return; // deleted or expired since the page was listed
        }
        ByteBuf out = connection.out();
        Key key = item.key();
        line.setLength(0);
        switch (format) {
            case METADUMP -> {
                line.append("key=");
                uriEncode(key, line);
                line.append(" exp=").append(item.expiresAt() == Expiry.NEVER ? -1 : item.expiresAt() / 1000)
                        .append(" la=").append(item.accessedAt() / 1000)
                        .append(" cas=").append(Long.toUnsignedString(item.cas()))
                        .append(item.fetched() ? " fetch=yes" : " fetch=no")
                        .append(" cls=1 size=").append(Cache.itemSize(key.length(), item.flags(), item.valueLength()))
                        .append('\n');
            }
            case MGDUMP -> {
                line.append("mg ");
                if (printable(key)) {
                    line.append(new String(key.array(), key.offset(), key.length(), StandardCharsets.ISO_8859_1));
                    line.append("\r\n");
                } else {
                    line.append(Base64.getEncoder().encodeToString(key.toBytes())).append(" b\r\n");
                }
            }
        }
        out.writeCharSequence(line, StandardCharsets.ISO_8859_1);
    }

    /** memcached's uriencode: letters, digits and {@code -._~} as they are, every other byte as %XX. */
    static void uriEncode(Key key, StringBuilder out) {
        byte[] bytes = key.array();
        for (int i = key.offset(); i < key.offset() + key.length(); i++) {
            int b = bytes[i] & 0xff;
            boolean plain = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
                    || b == '-' || b == '.' || b == '_' || b == '~';
            if (plain) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
    }

    private static boolean printable(Key key) {
        byte[] bytes = key.array();
        for (int i = key.offset(); i < key.offset() + key.length(); i++) {
            if (bytes[i] <= ' ' || bytes[i] >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
