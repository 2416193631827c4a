package org.ratmemcache.core;

import java.util.List;

/**
 * One page of a key listing, in unsigned byte order.
 *
 * @param keys the live keys of this page; fewer than asked for when some candidates had expired
 * @param next where the next page starts (exclusive), or {@code null} after the last page
 */
public record KeyPage(List<Key> keys, Key next) {
}
