package io.basalt.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .mvn/find-jdk.sh} as {@code ./mvnw} and {@code ./basalt} use it: on a machine whose default
 * {@code java} is older than 25 (Debian 12's is 17) the README's commands still run on a JDK 25, or
 * stop at once with a message saying what to install or set.
 *
 * <p>The machine is simulated, so the test runs the same anywhere: a stand-in JDK 17 (a
 * {@code release} file and a {@code java} that fails the way 17 fails on this build) is the
 * {@code java} on {@code PATH}, and {@code BASALT_JDK_DIR} replaces {@code /usr/lib/jvm} with a
 * directory holding that JDK 17 and, when the test wants one, a JDK 25 (a link to the JDK running
 * this test).
 */
class FindJdkTest {

    /** Generous for a shell script that starts no JVM, on a busy 2-core machine. */
    static final Duration FAST_FAILURE = Duration.ofSeconds(2);
    static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Path jdkDir;
    private Path old;
    private Path pathDir;

    @BeforeEach
    void machineWithJava17OnThePath() throws IOException {
        jdkDir = Files.createDirectories(tmp.resolve("jvm"));
        old = Files.createDirectories(jdkDir.resolve("java-17-openjdk-amd64"));
        Files.writeString(old.resolve("release"), "IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\"\n");
        Path java = Files.createDirectories(old.resolve("bin")).resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                echo "Unrecognized option: --sun-misc-unsafe-memory-access=allow (the stand-in JDK 17 ran)" >&2
                exit 1
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(java, old.resolve("bin").resolve("javac"));
        // as on Debian: the java on PATH is a link into the JDK
        pathDir = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(pathDir.resolve("java"), java);
    }

    /** Removes the links to the real JDK 25 before JUnit does, which warns about each. */
    @AfterEach
    void removeJdk25Links() throws IOException {
        Files.deleteIfExists(jdkDir.resolve("jdk-25"));
        Files.deleteIfExists(jdkDir.resolve("temurin-25-jdk-amd64"));
    }

    @Test
    void shouldRunMavenOnJdk25WhenJavaHomeIsUnsetAndJavaOnThePathIsOlder() throws Exception {
        Files.createSymbolicLink(jdkDir.resolve("jdk-25"), Path.of(System.getProperty("java.home")));

        Run run = run(List.of("./mvnw", "--version"), null);

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).containsPattern("Java version: 2[5-9]");
    }

    @Test
    void shouldRunMavenOnJdk25WhenJavaHomeIsAnOlderJdk() throws Exception {
        Files.createSymbolicLink(jdkDir.resolve("temurin-25-jdk-amd64"), Path.of(System.getProperty("java.home")));

        Run run = run(List.of("./mvnw", "--version"), old);

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).containsPattern("Java version: 2[5-9]");
    }

    @Test
    void shouldKeepJavaHomeWhenItIsAJdk25() throws Exception {
        Files.createSymbolicLink(jdkDir.resolve("jdk-25"), old); // would fail if it were taken
        Path home = Path.of(System.getProperty("java.home"));

        Run run = run(List.of("./mvnw", "--version"), home);

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).contains("runtime: " + home.toRealPath());
    }

    @Test
    void shouldStopMavenAtOnceNamingJdk25AndJavaHomeWhenThereIsNone() throws Exception {
        Run run = run(List.of("./mvnw", "--version"), null);

        assertThat(run.exitCode).as(run.output).isNotZero();
        assertThat(run.output).contains("JDK 25").contains("JAVA_HOME");
        assertThat(run.took).isLessThan(FAST_FAILURE);
    }

    @Test
    void shouldStopTheLauncherAtOnceNamingJdk25AndJavaHomeWhenThereIsNone() throws Exception {
        Run run = run(List.of("./basalt", "--version"), old);

        assertThat(run.exitCode).as(run.output).isNotZero();
        assertThat(run.output).contains("JDK 25").contains("JAVA_HOME");
        assertThat(run.took).isLessThan(FAST_FAILURE);
    }

    private record Run(int exitCode, String output, Duration took) {}

    /** Runs {@code command} in the repository root on the simulated machine; no JAVA_HOME if null. */
    private Run run(List<String> command, Path javaHome) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(BrickProcess.repoRoot().toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        if (javaHome != null) {
            env.put("JAVA_HOME", javaHome.toString());
        }
        env.put("PATH", pathDir + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("BASALT_JDK_DIR", jdkDir.toString());
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            Processes.killTree(p);
            throw new AssertionError(command + " did not end within " + RUN_LIMIT);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.exitValue(), output, took);
    }
}
