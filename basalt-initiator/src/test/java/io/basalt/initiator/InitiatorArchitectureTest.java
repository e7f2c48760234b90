package io.basalt.initiator;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The initiator is a library first (bench, replication and tests drive targets through it) and
 * bench is one user of it: the library must not need bench, or every user would carry a load
 * generator and its command line. Its packages stay free of cycles so each can be read (and
 * split off) on its own, and no source file grows past {@value #MAX_LINES} lines: the hot path
 * lives here, and a reader should find the receive state machine or the slot table by name.
 */
@AnalyzeClasses(packages = "io.basalt.initiator", importOptions = ImportOption.DoNotIncludeTests.class)
class InitiatorArchitectureTest {
    private static final int MAX_LINES = 500;
    /** Surefire runs in the module's directory; the rule reads the sources the classes came from. */
    private static final Path SOURCES = Path.of("src", "main", "java");

    @ArchTest
    static final ArchRule libraryDoesNotDependOnBench = noClasses()
            .that().resideInAPackage("io.basalt.initiator")
            .should().dependOnClassesThat().resideInAPackage("io.basalt.initiator.bench..");

    @ArchTest
    static final ArchRule hasNoPackageCycles = slices().matching("io.basalt.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule noSourceFileOver500Lines = classes()
            .that().areTopLevelClasses()
            .should(haveAtMostLines(MAX_LINES));

    /** Counts the lines of the class's source file; a class whose source is not found is a violation. */
    private static ArchCondition<JavaClass> haveAtMostLines(int max) {
        return new ArchCondition<>("have a source file of at most " + max + " lines") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String fileName = c.getSource().flatMap(s -> s.getFileName()).orElse(c.getSimpleName() + ".java");
                Path file = SOURCES.resolve(c.getPackageName().replace('.', '/')).resolve(fileName);
                if (!Files.isRegularFile(file)) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + ": source " + file + " not found"));
                    return;
                }
                long lines = lineCount(file);
                if (lines > max) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " has " + lines + " lines in "
                            + file + " (at most " + max + ")"));
                }
            }
        };
    }

    private static long lineCount(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
