package org.ratmemcache.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import org.ratmemcache.server.ServerBeans;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The package rules of ARCHITECTURE.md: a plain-Java core that ships as its own artifact,
 * dependencies that point down only, and operations that read the cache through its view.
 */
@AnalyzeClasses(packages = "org.ratmemcache", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreIsPlainJava = noClasses().that().resideInAPackage("org.ratmemcache.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.quarkus..", "jakarta..", "javax.inject..", "io.smallrye..", "org.eclipse.microprofile..",
                    "io.netty..", "org.rocksdb..", "io.vertx..", "org.jboss..", "com.fasterxml..")
            .because("the cache core is a library that runs without Quarkus, CDI, Netty or RocksDB");

    @ArchTest
    static final ArchRule coreDependsOnNothingAbove = noClasses().that().resideInAPackage("org.ratmemcache.core..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ratmemcache.protocol..", "org.ratmemcache.server..",
                    "org.ratmemcache.config..", "org.ratmemcache.storage..", "org.ratmemcache.admin..",
                    "org.ratmemcache.health..", "org.ratmemcache.metrics..", "org.ratmemcache.console..")
            .because("the library finds its disk tier through the ServiceLoader, not by naming RocksDB");

    @ArchTest
    static final ArchRule theCoreArtifactNeedsOnlyLz4AndRocksDb = classes()
            .that().resideInAnyPackage("org.ratmemcache.core..", "org.ratmemcache.storage..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "com.sun.management..", "org.ratmemcache.core..",
                    "org.ratmemcache.storage..", "net.jpountz..", "org.rocksdb..")
            .because("the core and its RocksDB tier ship as rat-memcache-core, whose only dependencies are lz4-java and rocksdbjni"
                    + " (com.sun.management is the JDK's own: ItemCost reads the object layout from HotSpot)");

    @ArchTest
    static final ArchRule onlyTheWiringNamesTheEngine = noClasses()
            .that().resideOutsideOfPackage("org.ratmemcache.core..")
            .and().doNotHaveFullyQualifiedName(ServerBeans.class.getName())
            .should().dependOnClassesThat().resideInAPackage("org.ratmemcache.core.engine..")
            .because("the server runs commands through Cache, and admin, metrics, health and stats read CacheView");

    @ArchTest
    static final ArchRule operationsReadTheView = noClasses()
            .that().resideInAnyPackage("org.ratmemcache.admin..", "org.ratmemcache.console..", "org.ratmemcache.health..",
                    "org.ratmemcache.metrics..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ratmemcache.core.engine..", "org.ratmemcache.core.disk..",
                    "org.ratmemcache.storage..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.ratmemcache.core.memory.MemoryTier")
            .because("operations see the tiers through CacheView, never the tiers themselves");

    @ArchTest
    static final ArchRule theServerKnowsNothingOfOperations = noClasses().that().resideInAnyPackage("org.ratmemcache.server..",
                    "org.ratmemcache.storage..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ratmemcache.admin..", "org.ratmemcache.console..",
                    "org.ratmemcache.health..",
                    "org.ratmemcache.metrics..", "io.micrometer..", "org.eclipse.microprofile.health..")
            .because("admin, health and metrics look at the server and the cache, never the other way round");

    @ArchTest
    static final ArchRule protocolsDependOnlyOnTheCore = noClasses().that().resideInAPackage("org.ratmemcache.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ratmemcache.server..", "org.ratmemcache.config..",
                    "org.ratmemcache.storage..", "org.ratmemcache.admin..", "io.quarkus..", "jakarta..",
                    "org.ratmemcache.core.engine..");

    @ArchTest
    static final ArchRule theCommandLayerKnowsNoWireFormat = noClasses().that().haveFullyQualifiedName(
                    "org.ratmemcache.server.Commands")
            .should().dependOnClassesThat().resideInAnyPackage("org.ratmemcache.protocol..", "io.netty..")
            .because("Commands is the layer the text, meta and binary front ends share");

    @ArchTest
    static final ArchRule posixOnlyApisStayBehindTheirCheck = noClasses()
            .that().doNotHaveFullyQualifiedName("org.ratmemcache.server.UnixSocketFile")
            .should().dependOnClassesThat().haveNameMatching("java\\.nio\\.file\\.attribute\\.Posix.*")
            .orShould().dependOnClassesThat().haveNameMatching("com\\.sun\\.security\\.auth\\.module\\.Unix.*")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("sun.misc.Signal")
            .because("RatMemCache runs on Windows and macOS too: the one POSIX-only call, a socket file's permissions, "
                    + "is made by UnixSocketFile where the file system has them");

    @ArchTest
    static final ArchRule epollOnlyWhereItIsCheckedFor = noClasses()
            .that().doNotHaveFullyQualifiedName("org.ratmemcache.server.MemcachedServer")
            .should().dependOnClassesThat().resideInAPackage("io.netty.channel.epoll..")
            .because("Linux's epoll transport is chosen by MemcachedServer only where Epoll.isAvailable() says so; NIO elsewhere");
}
