package io.basalt.server.cli;

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

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", description = "Output format (default: table).")
    String output = "table";

    ApiClient client() {
        String url = api != null ? api : System.getenv().getOrDefault("BASALT_API", API_DEFAULT);
        String t = token != null ? token : System.getenv("BASALT_TOKEN");
        return new ApiClient(URI.create(url), t);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    boolean json() {
        return "json".equals(output);
    }

    /** The command's work: talk to the API and print; exceptions become exit codes. */
    abstract void execute(ApiClient api) throws IOException;

    @Override
    public Integer call() {
        if (!output.equals("json") && !output.equals("table")) {
            spec.commandLine().getErr().println("basalt: --output must be table or json, not '" + output + "'");
            return ExitCodes.USAGE;
        }
        try {
            execute(client());
            out().flush();
            return ExitCodes.OK;
        } catch (ApiException e) {
            spec.commandLine().getErr().println("basalt: " + e.reason() + " (" + e.status() + " " + e.code() + ")");
            return ExitCodes.of(e.status());
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("basalt: cannot reach the API at "
                    + (api != null ? api : System.getenv().getOrDefault("BASALT_API", API_DEFAULT)) + ": " + e);
            return ExitCodes.UNREACHABLE;
        }
    }

    /** Prints JSON as is, or a table of the given columns (JSON field names, dotted for nested ones). */
    void print(JsonNode node, List<String> headers, List<String> fields) {
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
        Table.print(out(), headers, rows.stream().map(r -> fields.stream().map(f -> Table.cell(r, f)).toList()).toList());
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
