package io.basalt.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code basalt bench} as a child process, started as the bricks are (launcher or java), on every
 * brick's NVMe/TCP port as paths of one subsystem (multipath), with its output in a file of its own.
 */
final class BenchProcess implements AutoCloseable {
    private final String name;
    private final Path output;
    private final Path json;
    private final Process process;

    private BenchProcess(String name, Path output, Path json, Process process) {
        this.name = name;
        this.output = output;
        this.json = json;
        this.process = process;
    }

    /** The arguments that name the subsystem, namespace and every path, shared by a run and its verify pass. */
    static List<String> pathArgs(List<Integer> ioPorts, String nqn, int nsid, String hostNqn) {
        String targets = ioPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        return List.of("--target", targets, "--nqn", nqn, "--nsid", Integer.toString(nsid), "--hostnqn", hostNqn);
    }

    /**
     * Starts {@code bench} with {@code args}; its output goes to {@code output}, its JSON summary (when
     * {@code json} is not null) to that file.
     */
    static BenchProcess start(String name, List<String> args, Path output, Path json) throws IOException {
        List<String> cmd = new ArrayList<>(BrickProcess.basaltCommand());
        cmd.add("bench");
        cmd.addAll(args);
        if (json != null) {
            cmd.addAll(List.of("--json", json.toString()));
        }
        Files.deleteIfExists(output);
        Files.writeString(output, "=== " + String.join(" ", cmd) + "\n");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(BrickProcess.repoRoot().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return new BenchProcess(name, output, json, pb.start());
    }

    /** Waits for the process to end; returns its exit code, or throws (after killing it) past {@code limit}. */
    int awaitExit(Duration limit) throws InterruptedException, IOException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            Processes.killTree(process);
            throw new IllegalStateException("bench " + name + " did not end within " + limit + ":\n" + tail(30));
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The JSON summary a finished run wrote (a missing node if it wrote none). */
    JsonNode summary() throws IOException {
        if (json == null || !Files.exists(json)) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return new ObjectMapper().readTree(json.toFile());
    }

    /** The last {@code lines} lines of its output. */
    String tail(int lines) throws IOException {
        List<String> all = Files.readAllLines(output);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Its output's lines that contain {@code word}, case-insensitive. */
    List<String> linesWith(String word) throws IOException {
        return Files.readAllLines(output).stream().filter(l -> l.toLowerCase().contains(word)).toList();
    }

    String name() {
        return name;
    }

    Path output() {
        return output;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            Processes.killTree(process);
        }
    }
}
