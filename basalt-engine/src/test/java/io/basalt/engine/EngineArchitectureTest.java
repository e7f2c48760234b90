package io.basalt.engine;

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
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine in named parts (docs/engine.md): each part a package that owns its behaviour, the
 * parts layered so one can be read without the ones above it — {@code pool} assembles them, and
 * none of them reaches back into {@code pool} or into a part that depends on it. A part that needs
 * something of the assembly declares a small interface in its own package ({@code gc.LiveData},
 * {@code log.SegmentAllocator}, {@code checkpoint.Checkpoints.Capture}…) for {@code pool} to
 * implement. Files stay small enough to read at one sitting.
 */
@AnalyzeClasses(packages = "io.basalt.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class EngineArchitectureTest {
    /** Lines a main source file may have at most. */
    static final int MAX_LINES = 500;

    @ArchTest
    static final ArchRule partsHaveNoCycles = slices()
            .matching("io.basalt.engine.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule filesStaySmall = classes()
            .that().resideInAPackage("io.basalt.engine..")
            .and().areTopLevelClasses()
            .should(haveAtMostLines(MAX_LINES));

    /** Counts the lines of the class's source file (tests run in the module's directory). */
    private static ArchCondition<JavaClass> haveAtMostLines(int max) {
        return new ArchCondition<>("have a source file of at most " + max + " lines") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String file = c.getSourceCodeLocation().getSourceFileName();
                Path source = Path.of("src/main/java", c.getPackageName().replace('.', '/'), file);
                long lines;
                try (var all = Files.lines(source)) {
                    lines = all.count();
                } catch (IOException e) {
                    throw new UncheckedIOException("no source for " + c.getName() + " at " + source.toAbsolutePath(), e);
                }
                events.add(new SimpleConditionEvent(c, lines <= max,
                        source + " has " + lines + " lines (at most " + max + ")"));
            }
        };
    }
}
