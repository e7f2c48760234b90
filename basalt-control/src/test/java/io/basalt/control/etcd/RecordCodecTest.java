package io.basalt.control.etcd;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordCodecTest {
    @Test
    void shouldWriteTheDocumentedText() {
        byte[] value = RecordCodec.encode(Map.of("nsid", "3", "name", "db1", "odd=name", "line\nbreak\\"));

        assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("""
                basalt-record 1
                name=db1
                nsid=3
                odd\\=name=line\\nbreak\\\\
                """);
    }

    @Property
    void shouldReadBackWhatItWrites(@ForAll Map<String, String> fields) {
        assertThat(RecordCodec.decode(RecordCodec.encode(fields))).isEqualTo(fields);
    }

    @Test
    void shouldReadAnEmptyRecord() {
        assertThat(RecordCodec.decode(RecordCodec.encode(Map.of()))).isEmpty();
    }

    @Test
    void shouldRefuseANewerFormatInsteadOfMisreadingIt() {
        assertThatThrownBy(() -> RecordCodec.decode("basalt-record 2\na=b\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("newer");
        assertThatThrownBy(() -> RecordCodec.decode("{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a Basalt record");
        assertThatThrownBy(() -> RecordCodec.decode("basalt-record 1\na=b".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("truncated");
    }
}
