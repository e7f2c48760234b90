package io.basalt.nvmet;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The target's layers. The transport-neutral core (the request, the transport and dispatch
 * interfaces) and the command sets sit below any transport, so a second transport is a new
 * package, not a change to them. Storage is reached only through the block contract, and only
 * from the I/O command set: one adapter between NVMe and the store.
 */
@AnalyzeClasses(packages = "io.basalt.nvmet", importOptions = ImportOption.DoNotIncludeTests.class)
class TargetArchitectureTest {
    private static final int MAX_SOURCE_LINES = 500;
    private static final Path MAIN_SOURCES = Path.of("src/main/java");

    @ArchTest
    static final ArchRule doesNotDependOnTheEngine = noClasses()
            .that().resideInAPackage("io.basalt.nvmet..")
            .should().dependOnClassesThat().resideInAPackage("io.basalt.engine..");

    @ArchTest
    static final ArchRule hasNoPackageCycles = slices().matching("io.basalt.nvmet.(*)..").should().beFreeOfCycles();

    /** The root package (NvmeTcpTarget, TargetConfig) wires the layers, so none may depend on it: the slices miss it. */
    @ArchTest
    static final ArchRule nothingBelowDependsOnTheEntryPoint = noClasses()
            .that().resideInAPackage("io.basalt.nvmet..").and().resideOutsideOfPackage("io.basalt.nvmet")
            .should().dependOnClassesThat().resideInAPackage("io.basalt.nvmet");

    @ArchTest
    static final ArchRule coreAndCommandsKnowNoTransport = noClasses()
            .that().resideInAnyPackage("io.basalt.nvmet.core..", "io.basalt.nvmet.controller..",
                    "io.basalt.nvmet.dispatch..", "io.basalt.nvmet.admin..", "io.basalt.nvmet.fabrics..",
                    "io.basalt.nvmet.discovery..", "io.basalt.nvmet.io..", "io.basalt.nvmet.subsystem..")
            .should().dependOnClassesThat().resideInAnyPackage("io.basalt.nvmet.transport..", "io.netty.channel..");

    @ArchTest
    static final ArchRule onlyIoCommandsSubmitToTheStore = noClasses()
            .that().resideOutsideOfPackage("io.basalt.nvmet.io..")
            .should().callMethod(BlockStore.class, "submit", BlockIo.class);

    @ArchTest
    static final ArchRule noSourceFileOver500Lines = classes()
            .that(areTopLevel())
            .should(haveAtMostSourceLines(MAX_SOURCE_LINES));

    private static DescribedPredicate<JavaClass> areTopLevel() {
        return DescribedPredicate.describe("are top-level", JavaClass::isTopLevelClass);
    }

    /** Counts the lines of the class's source file under src/main/java (tests run in the module). */
    private static ArchCondition<JavaClass> haveAtMostSourceLines(int max) {
        return new ArchCondition<>("have a source file of at most " + max + " lines") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String file = c.getSource().flatMap(s -> s.getFileName()).orElse(c.getSimpleName() + ".java");
                Path path = MAIN_SOURCES.resolve(c.getPackageName().replace('.', '/')).resolve(file);
                long lines;
                try (var stream = Files.lines(path)) {
                    lines = stream.count();
                } catch (IOException e) {
                    throw new UncheckedIOException("source of " + c.getName(), e);
                }
                events.add(new SimpleConditionEvent(c, lines <= max,
                        path + " has " + lines + " lines (at most " + max + ")"));
            }
        };
    }
}
