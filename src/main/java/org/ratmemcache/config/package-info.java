/** The settings: the SmallRye Config mapping, memcached's command line, the TOML file, and their checks. */
package org.ratmemcache.config;
