package io.basalt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.ApiException;
import io.basalt.api.client.ApiClient;
import io.basalt.api.http.Json;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * What every API subcommand shares: where the API is, the token, the output format, and the
 * mapping of outcomes to exit codes scripts can rely on (see {@link ExitCodes}).
 */
public abstract class ApiOptions implements Callable<Integer> {
    /** The local brick's API, unless {@code --api} or {@code BASALT_API} says otherwise. */
    public static final String API_DEFAULT = "http://127.0.0.1:8080";

    @Spec
    CommandSpec spec;

    @Option(names = "--api", paramLabel = "URL", description = "The brick's API (default: $BASALT_API or "
            + API_DEFAULT + ").")
    String api;

    @Option(names = "--token", paramLabel = "JWT", description = "Bearer token (default: $BASALT_TOKEN).")
    String token;

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", converter = Converters.Output.class,
            description = "Output format (default: table).")
    String output = Converters.Output.TABLE;

    private String apiUrl() {
        return api != null ? api : System.getenv().getOrDefault("BASALT_API", API_DEFAULT);
    }

    /** @throws IllegalArgumentException when the URL is not http(s)://HOST[:PORT] */
    private ApiClient client(String url) {
        URI uri = URI.create(url);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL with a host");
        }
        return new ApiClient(uri, token != null ? token : System.getenv("BASALT_TOKEN"));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    boolean json() {
        return Converters.Output.JSON.equals(output);
    }

    /** The command's work: talk to the API and print; exceptions become exit codes. */
    abstract void execute(ApiClient api) throws IOException;

    /** What a command that succeeded in asking exits with; a command whose answer is bad news raises it. */
    int answerExitCode = ExitCodes.OK;

    /**
     * Runs the command and maps its outcome to an exit code. Only a failure to exchange HTTP with the
     * brick (an IOException from the client) is "cannot reach": anything the brick answered is
     * reported as its answer, and bad arguments never get here (the converters refuse them).
     */
    @Override
    public Integer call() {
        String url = apiUrl();
        ApiClient client;
        try {
            client = client(url);
        } catch (IllegalArgumentException e) {
            return error(ExitCodes.UNREACHABLE, "invalid API URL '" + url + "' (expected http://HOST:PORT or "
                    + "https://HOST:PORT)");
        }
        try {
            execute(client);
            out().flush();
            return answerExitCode;
        } catch (ApiException e) {
            return error(ExitCodes.of(e.status()), e.reason() + " (" + e.status() + " " + e.code() + ")");
        } catch (ApiClient.NotJsonException e) {
            return error(ExitCodes.FAILURE, "the API at " + url + " answered with something other than JSON: is "
                    + "that address a Basalt brick?");
        } catch (IOException e) {
            return error(ExitCodes.UNREACHABLE, "cannot reach the API at " + url + ": " + describe(e)
                    + " (is the brick running? --api or $BASALT_API say where)");
        }
    }

    private int error(int exitCode, String message) {
        spec.commandLine().getErr().println("basalt: " + message);
        spec.commandLine().getErr().flush();
        return exitCode;
    }

    /** The JDK's HTTP client often leaves the message out (a refused connection is a bare ConnectException). */
    private static String describe(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }

    /** Prints JSON as is, or a table of the given columns (JSON field names, dotted for nested ones). */
    void print(JsonNode node, List<String> headers, List<String> fields) {
        if (json()) {
            out().println(node.toPrettyString());
            return;
        }
        print(node, headers, r -> fields.stream().map(f -> Table.cell(r, f)).toList());
    }

    /** Prints JSON as is, or a table whose rows {@code row} makes from each object. */
    void print(JsonNode node, List<String> headers, Function<JsonNode, List<String>> row) {
        if (json()) {
            out().println(node.toPrettyString());
            return;
        }
        List<JsonNode> rows = new java.util.ArrayList<>();
        if (node.isArray()) {
            node.forEach(rows::add);
        } else {
            rows.add(node);
        }
        Table.print(out(), headers, rows.stream().map(row).toList());
    }

    /**
     * As {@link #print}, and the response's {@code warnings} on stderr: the change was made (exit 0),
     * but the operator should know, and stdout stays parseable.
     */
    void printWithWarnings(JsonNode node, List<String> headers, List<String> fields) {
        print(node, headers, fields);
        JsonNode warnings = node.path("warnings");
        warnings.forEach(w -> spec.commandLine().getErr().println("basalt: warning: " + w.asText()));
    }

    /** Reports that {@code what} was deleted: {@code {}} in JSON mode, a line otherwise. */
    void printDeleted(String what) {
        out().println(json() ? "{}" : "deleted " + what);
    }

    /** Prints one object as KEY: VALUE lines (nested objects as JSON). */
    void printDetail(JsonNode node) {
        if (json()) {
            out().println(node.toPrettyString());
            return;
        }
        node.fields().forEachRemaining(e -> out().printf("%-16s %s%n", e.getKey() + ":",
                e.getValue().isValueNode() ? e.getValue().asText() : compact(e.getValue())));
    }

    static String compact(JsonNode n) {
        try {
            return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(n);
        } catch (IOException e) {
            return n.toString();
        }
    }
}
