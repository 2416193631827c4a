package org.ratmemcache.protocol.text;

/** What a parsed text request asks the server to do. */
public enum TextCommand {
    /** get, gets, gat, gats (and memcached's ancient alias bget). */
    RETRIEVE,
    /** set, add, replace, append, prepend, cas, with their data block read. */
    STORE,
    /** A storage command whose item is over the size limit; its data block is being discarded. */
    STORE_TOO_LARGE,
    DELETE,
    /** incr or decr. */
    DELTA,
    TOUCH,
    FLUSH_ALL,
    VERSION,
    VERBOSITY,
    QUIT,
    STATS,
    /** mg. */
    META_GET,
    /** ms, with its data block read. */
    META_SET,
    /** ms whose item is over the size limit; its data block is being discarded. */
    META_SET_TOO_LARGE,
    /** md. */
    META_DELETE,
    /** ma. */
    META_ARITHMETIC,
    /** me. */
    META_DEBUG,
    /** mn. */
    META_NOOP,
    /**
     * A command that manages the server rather than items: slabs, lru_crawler, cache_memlimit,
     * shutdown. Its tokens are read by name, as {@link TextRequest#argument} strings.
     */
    ADMIN,
    /** A request that earns an error reply: {@link TextRequest#error()}. */
    INVALID
}
