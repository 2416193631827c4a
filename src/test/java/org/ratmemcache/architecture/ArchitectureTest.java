package org.ratmemcache.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The package rules of DESIGN.md: a plain-Java core, and dependencies that point down only. */
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
                    "org.ratmemcache.health..", "org.ratmemcache.metrics..")
            .because("the library finds its disk tier through the ServiceLoader, not by naming RocksDB");

    @ArchTest
    static final ArchRule theServerKnowsNothingOfOperations = noClasses().that().resideInAnyPackage("org.ratmemcache.server..",
                    "org.ratmemcache.storage..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ratmemcache.admin..", "org.ratmemcache.health..",
                    "org.ratmemcache.metrics..", "io.micrometer..", "org.eclipse.microprofile.health..")
            .because("admin, health and metrics look at the server and the cache, never the other way round");

    @ArchTest
    static final ArchRule protocolsDependOnlyOnTheCore = noClasses().that().resideInAPackage("org.ratmemcache.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ratmemcache.server..", "org.ratmemcache.config..",
                    "org.ratmemcache.storage..", "org.ratmemcache.admin..", "io.quarkus..", "jakarta..");
}
