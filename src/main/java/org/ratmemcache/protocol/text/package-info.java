/**
 * memcached's text protocol and its meta commands: the parser that fills one reusable request per
 * connection, and the reply encoders. ARCHITECTURE.md, at the repository's root, follows a request
 * through them.
 */
package org.ratmemcache.protocol.text;
