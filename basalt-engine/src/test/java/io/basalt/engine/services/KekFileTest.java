package io.basalt.engine.services;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KekFileTest {
    @TempDir
    Path dir;
    private final SecureRandom random = new SecureRandom();

    @Test
    void shouldCreateAMissingFileOwnerOnlyAndLoadTheSameKeyAgain() throws Exception {
        Path file = dir.resolve("kek");
        KeyEncryptionKey created = KekFile.loadOrCreate(file, random);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertThat(text).matches("[0-9a-f]{64}\n");
        KeyEncryptionKey loaded = KekFile.loadOrCreate(file, random);
        assertThat(loaded.id()).isEqualTo(created.id());
        byte[] wrapped = created.wrap(DataKey.generate(random));
        assertThat(loaded.unwrap(wrapped)).isNotNull();
    }

    @Test
    void shouldNotReplaceAnExistingFile() throws Exception {
        Path file = dir.resolve("kek");
        KekFile.create(file, random);
        assertThatThrownBy(() -> KekFile.create(file, random)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    @Test
    void shouldRefuseAFileOthersCanRead() throws Exception {
        Path file = dir.resolve("kek");
        KekFile.create(file, random);
        for (String mode : new String[]{"rw-r--r--", "rw-r-----", "rw-----w-", "rwx---r--"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> KekFile.load(file)).isInstanceOf(KekFile.KekFileException.class)
                    .hasMessageContaining(mode).hasMessageContaining("chmod 600 " + file);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertThat(KekFile.load(file)).isNotNull();
    }

    @Test
    void shouldAcceptHexWithOrWithoutNewlineAndRawBytes() throws Exception {
        byte[] key = new byte[32];
        random.nextBytes(key);
        String hex = HexFormat.of().formatHex(key);
        String id = KeyEncryptionKey.fromBytes(key).id();
        for (byte[] content : new byte[][]{hex.getBytes(), (hex + "\n").getBytes(), (hex.toUpperCase() + "\r\n").getBytes(),
                key}) {
            Path file = ownerOnly(content);
            assertThat(KekFile.load(file).id()).isEqualTo(id);
        }
    }

    @Test
    void shouldRejectMalformedFilesWithoutEchoingThem() throws Exception {
        String secretish = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeZ";
        for (String content : new String[]{"", "abc\n", secretish, secretish.substring(1) + "\n\n", "x".repeat(500)}) {
            Path file = ownerOnly(content.getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> KekFile.load(file)).isInstanceOf(KekFile.KekFileException.class)
                    .hasMessageContaining("expected 64 hexadecimal digits")
                    .hasMessageNotContaining("0123456789");
        }
    }

    @Test
    void shouldSayWhenTheFileIsMissingOrNotAFile() {
        assertThatThrownBy(() -> KekFile.load(dir.resolve("none"))).isInstanceOf(KekFile.KekFileException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> KekFile.load(dir)).isInstanceOf(KekFile.KekFileException.class);
    }

    private Path ownerOnly(byte[] content) throws Exception {
        Path file = Files.createTempFile(dir, "kek", "", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content);
        return file;
    }
}
