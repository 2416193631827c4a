/** SmallRye Health checks on the management port: liveness, readiness, startup, and the disk tier's wellness. */
package org.ratmemcache.health;
