package io.basalt.nvmet;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The target reaches storage only through the block contract (io.basalt.block): never the storage
 * engine, so a target can serve any store and the engine can change without touching NVMe code.
 * The pom keeps the engine off the class path; this test says so by name if it comes back.
 */
@AnalyzeClasses(packages = "io.basalt.nvmet", importOptions = ImportOption.DoNotIncludeTests.class)
class TargetArchitectureTest {

    @ArchTest
    static final ArchRule doesNotDependOnTheEngine = noClasses()
            .that().resideInAPackage("io.basalt.nvmet..")
            .should().dependOnClassesThat().resideInAPackage("io.basalt.engine..");
}
