package io.basalt.replication;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The replica protocol's layers: the frames know neither end, the two ends know each other only
 * through the frames, and the module's root (the interfaces and the fan-out store) knows the
 * protocol only through {@link ReplicaLink}, so another transport could replace it.
 */
@AnalyzeClasses(packages = "io.basalt.replication", importOptions = ImportOption.DoNotIncludeTests.class)
class ReplicationArchitectureTest {

    @ArchTest
    static final ArchRule framesKnowNeitherEnd = noClasses().that().resideInAPackage("io.basalt.replication.wire..")
            .should().dependOnClassesThat().resideInAnyPackage("io.basalt.replication.server..",
                    "io.basalt.replication.client..");

    @ArchTest
    static final ArchRule serverAndClientStayApart = noClasses().that().resideInAPackage("io.basalt.replication.server..")
            .should().dependOnClassesThat().resideInAPackage("io.basalt.replication.client..");

    @ArchTest
    static final ArchRule clientDoesNotReachTheServer = noClasses().that().resideInAPackage("io.basalt.replication.client..")
            .should().dependOnClassesThat().resideInAPackage("io.basalt.replication.server..");

    @ArchTest
    static final ArchRule rootKnowsTheProtocolOnlyAsALink = noClasses().that().resideInAPackage("io.basalt.replication")
            .should().dependOnClassesThat().resideInAnyPackage("io.basalt.replication.wire..",
                    "io.basalt.replication.server..", "io.basalt.replication.client..");

    @ArchTest
    static final ArchRule hasNoPackageCycles = slices().matching("io.basalt.replication.(**)").should().beFreeOfCycles();
}
