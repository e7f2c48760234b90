package io.basalt.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the whole code base, on the main classes of every module (this module's class
 * path holds them all): dependencies point one way, down the picture in docs/architecture.md, no
 * module's packages form a cycle, and no source file grows past 500 lines. Each module may keep
 * finer rules of its own (e.g. the target's TargetArchitectureTest).
 */
class ArchitectureTest {
    /** Main classes only: a module's target/classes in the reactor, or its jar (never a -tests jar). */
    private static final Pattern MAIN_CLASSES = Pattern.compile(
            ".*/basalt-[a-z]+/target/classes/.*|.*/basalt-[a-z]+-[^/]*(?<!-tests)\\.jar!/.*");

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption((Location l) -> MAIN_CLASSES.matcher(l.toString()).matches())
                .importPackages("io.basalt");
        assertThat(classes).as("main classes found on the class path").hasSizeGreaterThan(300);
    }

    /** Each module's root package, and the root packages it must never reach. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "io.basalt.nvme", List.of("io.basalt.netty", "io.basalt.block", "io.basalt.engine", "io.basalt.nvmet",
                    "io.basalt.initiator", "io.basalt.api", "io.basalt.cli", "io.basalt.server"),
            "io.basalt.netty", List.of("io.basalt.block", "io.basalt.engine", "io.basalt.nvmet",
                    "io.basalt.initiator", "io.basalt.api", "io.basalt.cli", "io.basalt.server"),
            "io.basalt.block", List.of("io.basalt.nvme", "io.basalt.netty", "io.basalt.engine", "io.basalt.nvmet",
                    "io.basalt.initiator", "io.basalt.api", "io.basalt.cli", "io.basalt.server"),
            "io.basalt.engine", List.of("io.basalt.netty", "io.basalt.nvmet", "io.basalt.initiator",
                    "io.basalt.api", "io.basalt.cli", "io.basalt.server"),
            "io.basalt.nvmet", List.of("io.basalt.engine", "io.basalt.initiator", "io.basalt.api", "io.basalt.cli",
                    "io.basalt.server"),
            "io.basalt.initiator", List.of("io.basalt.engine", "io.basalt.nvmet", "io.basalt.cli",
                    "io.basalt.server"),
            "io.basalt.api", List.of("io.basalt.engine", "io.basalt.nvmet", "io.basalt.initiator", "io.basalt.cli",
                    "io.basalt.server"),
            "io.basalt.cli", List.of("io.basalt.block", "io.basalt.engine", "io.basalt.nvmet", "io.basalt.server"));

    @Test
    void shouldPointEveryModuleDependencyDownTheLayers() {
        FORBIDDEN.forEach((module, forbidden) -> noClasses()
                .that().resideInAPackage(module + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden.stream().map(p -> p + "..")
                        .toArray(String[]::new))
                .because(module + " sits below those layers")
                .check(classes));
    }

    @Test
    void shouldHaveNoCycleBetweenModules() {
        slices().matching("io.basalt.(*)..").should().beFreeOfCycles().check(classes);
    }

    /** Modules whose packages are acyclic today; a module joins when its cycles are broken. */
    @Test
    void shouldHaveNoPackageCycleInsideAModule() {
        for (String module : List.of("nvme", "netty", "block", "engine", "initiator", "api", "cli")) {
            slices().assignedFrom(packagesOf("io.basalt." + module)).should().beFreeOfCycles().check(classes);
        }
    }

    /** One slice per package of a module, its root package included (a "(**)" pattern leaves it out). */
    private static SliceAssignment packagesOf(String root) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = c.getPackageName();
                return p.equals(root) || p.startsWith(root + ".") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "the packages of " + root;
            }
        };
    }

    /**
     * Files over the limit today, each with the length it may not grow past: the list may only
     * shrink (a split file leaves it; a new file never joins).
     */
    private static final Map<String, Integer> TOO_LONG_TODAY = Map.of(
            "basalt-server/src/main/java/io/basalt/server/volume/VolumeManager.java", 773,
            "basalt-target/src/main/java/io/basalt/nvmet/transport/ConnectionHandler.java", 646);
    private static final int MAX_LINES = 500;

    @Test
    void shouldKeepEverySourceFileUnderFiveHundredLines() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> tooLong = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("basalt-")).toList()) {
                Path main = module.resolve("src/main/java");
                if (!Files.isDirectory(main)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(main)) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                        String name = root.relativize(f).toString();
                        int lines = lineCount(f);
                        int limit = TOO_LONG_TODAY.getOrDefault(name, MAX_LINES);
                        if (lines > limit) {
                            tooLong.add(name + ": " + lines + " lines (limit " + limit + ")");
                        }
                    });
                }
            }
        }
        assertThat(tooLong).as("source files too long: split them into named parts").isEmpty();
    }

    private static int lineCount(Path f) {
        try (Stream<String> lines = Files.lines(f)) {
            return (int) lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
