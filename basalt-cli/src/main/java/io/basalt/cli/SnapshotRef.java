package io.basalt.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A snapshot as the CLI names it, {@code VOLUME@SNAPSHOT}: both parts given, one {@code @}. */
record SnapshotRef(String volume, String snapshot) {
    static SnapshotRef parse(String text) {
        int at = text.indexOf('@');
        if (at <= 0 || at == text.length() - 1 || text.indexOf('@', at + 1) >= 0) {
            throw new TypeConversionException("expected VOLUME@SNAPSHOT (e.g. db@nightly), not '" + text + "'");
        }
        return new SnapshotRef(text.substring(0, at), text.substring(at + 1));
    }

    /** The form {@link #parse} reads, as the API takes it too. */
    @Override
    public String toString() {
        return volume + "@" + snapshot;
    }

    static final class Converter implements ITypeConverter<SnapshotRef> {
        @Override
        public SnapshotRef convert(String value) {
            return parse(value);
        }
    }
}
