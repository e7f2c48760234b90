package io.basalt.block;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The block contract sits below the target, the volume layer and every store, so it may depend on
 * none of them: only on the JDK and Netty's buffers. Anything else here would drag a layer into
 * every module that speaks the contract.
 */
@AnalyzeClasses(packages = "io.basalt.block", importOptions = ImportOption.DoNotIncludeTests.class)
class BlockArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnlyOnTheJdkAndNettyBuffers = classes()
            .that().resideInAPackage("io.basalt.block..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.basalt.block..", "java..", "io.netty.buffer..");

    @ArchTest
    static final ArchRule hasNoPackageCycles = slices().matching("io.basalt.(**)").should().beFreeOfCycles();
}
