package io.basalt.server.events;

import io.basalt.api.http.Json;
import io.basalt.api.model.EventView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened on the brick, for operators: the last {@link #CAPACITY} events in memory, and every
 * event appended to {@code DATA_DIR/events.jsonl} (one JSON object a line) so they outlive a
 * restart. At start the file's tail refills the ring and ids continue from there; the file is cut
 * back to that tail when it has grown past {@link #FILE_MAX_LINES}. Persisting is best effort: an
 * I/O error is logged, never thrown at the caller (often an event loop).
 */
public final class EventLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    public static final String FILE_NAME = "events.jsonl";
    public static final int CAPACITY = 1000;
    static final int FILE_MAX_LINES = 10 * CAPACITY;

    public static final String INFO = "info";
    public static final String WARNING = "warning";
    public static final String ERROR = "error";

    private static final com.fasterxml.jackson.databind.ObjectWriter LINE = Json.MAPPER.writer()
            .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    private final ArrayDeque<EventView> ring = new ArrayDeque<>();
    private final Path file;
    private BufferedWriter out;
    private long lastId;

    private EventLog(Path file) {
        this.file = file;
    }

    /** Opens the log of a data dir (null: memory only). */
    public static EventLog open(Path dataDir) {
        EventLog log = new EventLog(dataDir == null ? null : dataDir.resolve(FILE_NAME));
        log.load();
        return log;
    }

    private void load() {
        if (file == null) {
            return;
        }
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            List<String> tail = lines.subList(Math.max(0, lines.size() - CAPACITY), lines.size());
            for (String line : tail) {
                try {
                    EventView e = Json.MAPPER.readValue(line, EventView.class);
                    ring.add(e);
                    lastId = Math.max(lastId, e.id());
                } catch (IOException e) {
                    // A torn last line after a crash: skip it.
                }
            }
            if (lines.size() > FILE_MAX_LINES) {
                Files.write(file, tail, StandardCharsets.UTF_8);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("Events will not be persisted: cannot use {}: {}", file, e.getMessage());
        }
    }

    /** Records an event; returns it. */
    public synchronized EventView record(String type, String severity, String subject, String message) {
        EventView e = new EventView(++lastId, Instant.now().toString(), type, severity, subject, message);
        ring.add(e);
        while (ring.size() > CAPACITY) {
            ring.poll();
        }
        if (out != null) {
            try {
                out.write(LINE.writeValueAsString(e));
                out.newLine();
                out.flush();
            } catch (IOException ex) {
                LOG.warn("Cannot persist event {}: {}", e.id(), ex.getMessage());
            }
        }
        return e;
    }

    /** Events with an id above {@code afterId}, oldest first, at most {@code limit}. */
    public synchronized List<EventView> after(long afterId, int limit) {
        List<EventView> out = new ArrayList<>();
        for (EventView e : ring) {
            if (e.id() > afterId && out.size() < limit) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", file, e.getMessage());
            }
            out = null;
        }
    }
}
