package io.basalt.volume;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The volume layer sits between the protocol (the NVMe target) and the stores: it knows the block
 * contract and nothing above or beside it — no NVMe, no transport, no engine — so that a second
 * protocol or a new store plugs in without touching it.
 */
@AnalyzeClasses(packages = "io.basalt.volume", importOptions = ImportOption.DoNotIncludeTests.class)
class VolumeArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnlyOnTheBlockContractAndTheJdk = classes()
            .that().resideInAPackage("io.basalt.volume..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.basalt.volume..", "io.basalt.block..",
                    "java..");

    @ArchTest
    static final ArchRule hasNoPackageCycles = slices().matching("io.basalt.(**)").should().beFreeOfCycles();
}
