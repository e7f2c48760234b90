package io.basalt.control;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The control plane records what should exist; the target, the engine and the network carry it
 * out. So it imports none of them: a cluster's etcd store and a single brick's files must be
 * swappable under the same volume service without dragging the data path along.
 */
@AnalyzeClasses(packages = "io.basalt.control", importOptions = ImportOption.DoNotIncludeTests.class)
class ControlArchitectureTest {

    @ArchTest
    static final ArchRule doesNotDependOnTheDataPath = noClasses()
            .that().resideInAPackage("io.basalt.control..")
            .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.basalt.engine..", "io.basalt.nvmet..");

    /** The agent decides and the brick carries out: the volume service never drives a brick itself. */
    @ArchTest
    static final ArchRule theVolumeServiceDoesNotUseTheAgent = noClasses()
            .that().resideInAPackage("io.basalt.control.volume..")
            .should().dependOnClassesThat().resideInAPackage("io.basalt.control.agent..");

    @ArchTest
    static final ArchRule hasNoPackageCycles = slices().matching("io.basalt.(**)").should().beFreeOfCycles();
}
