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
import java.util.Set;
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

    /** Every module's root package below io.basalt. */
    private static final List<String> MODULES = List.of("nvme", "netty", "block", "units", "volume", "engine",
            "nvmet", "initiator", "replication", "control", "api", "cli", "csi", "server");

    /**
     * What each module may use of the others (the daemon, server, wires them all). Anything not
     * listed is forbidden, so a new dependency is a decision made here, not an accident.
     */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("nvme", Set.of()),
            Map.entry("netty", Set.of()),
            Map.entry("block", Set.of()),
            Map.entry("units", Set.of()),
            Map.entry("volume", Set.of("block")),
            Map.entry("control", Set.of("units", "nvme")),
            Map.entry("engine", Set.of("block")),
            Map.entry("nvmet", Set.of("nvme", "netty", "block", "volume")),
            Map.entry("initiator", Set.of("nvme", "netty")),
            Map.entry("replication", Set.of("block", "volume", "netty")),
            Map.entry("api", Set.of()),
            Map.entry("cli", Set.of("api", "units")),
            Map.entry("csi", Set.of("api", "units")));

    @Test
    void shouldPointEveryModuleDependencyDownTheLayers() {
        MAY_USE.forEach((module, allowed) -> noClasses()
                .that().resideInAPackage("io.basalt." + module + "..")
                .should().dependOnClassesThat().resideInAnyPackage(MODULES.stream()
                        .filter(m -> !m.equals(module) && !allowed.contains(m))
                        .map(m -> "io.basalt." + m + "..").toArray(String[]::new))
                .because("io.basalt." + module + " may use only " + allowed + " of Basalt's modules")
                .check(classes));
    }

    @Test
    void shouldHaveNoCycleBetweenModules() {
        slices().matching("io.basalt.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void shouldHaveNoPackageCycleInsideAModule() {
        for (String module : MODULES) {
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
                        if (lines > MAX_LINES) {
                            tooLong.add(name + ": " + lines + " lines");
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
