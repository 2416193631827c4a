/**
 * The memcached server: Netty's listener and connections, the protocol front ends, the
 * protocol-neutral {@link org.ratmemcache.server.Commands} they share, the stats command, and the
 * Quarkus wiring that builds the engine. ARCHITECTURE.md, at the repository's root, follows a
 * request from socket to reply.
 */
package org.ratmemcache.server;
