/**
 * memcached's binary protocol: the parser that fills one reusable request per connection, and the
 * reply encoder. ARCHITECTURE.md, at the repository's root, follows a request through them.
 */
package org.ratmemcache.protocol.binary;
