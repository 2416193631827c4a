package org.ratmemcache.server;

/**
 * Which of memcached's administrative commands a server serves, as memcached's switches set them.
 *
 * @param statKeyPrefix what ends a key's prefix for {@code stats detail} ({@code -D}, {@code :})
 * @param shutdown      the shutdown command stops the server ({@code -A}; refused by default)
 * @param dumps         stats cachedump and lru_crawler's dumps list keys ({@code -X} refuses them)
 * @param watch         the watch command streams logs ({@code -W} refuses it)
 * @param flush         flush_all and the binary Flush empty the cache ({@code -F} refuses them)
 */
public record CommandPolicy(char statKeyPrefix, boolean shutdown, boolean dumps, boolean watch, boolean flush) {

    /** memcached's defaults. */
    public static final CommandPolicy DEFAULT = new CommandPolicy(':', false, true, true, true);

    public CommandPolicy {
        if (statKeyPrefix == 0 || statKeyPrefix > 0x7f) {
            throw new IllegalArgumentException("the stats prefix delimiter must be one ASCII character: " + (int) statKeyPrefix);
        }
    }
}
