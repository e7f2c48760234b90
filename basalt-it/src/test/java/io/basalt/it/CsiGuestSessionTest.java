package io.basalt.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What csi-sanity-guest.sh copies into the guest and how the program then names it. */
class CsiGuestSessionTest {

    @Test
    void shouldCopyTheProgramAndEveryFlagFileAndNameThemInTheGuest(@TempDir Path dir) throws Exception {
        Path sanity = Files.writeString(dir.resolve("csi-sanity"), "binary");
        Path parameters = Files.writeString(dir.resolve("params.yaml"), "compression: zstd\n");
        List<Path> files = new ArrayList<>();

        List<String> argv = CsiGuestSession.guestArgv(List.of(sanity.toString(),
                "--csi.endpoint=/csi/csi.sock", "--csi.testvolumeparameters=" + parameters, "--ginkgo.v"), files);

        assertThat(argv).containsExactly("/guest/csi-sanity", "--csi.endpoint=/csi/csi.sock",
                "--csi.testvolumeparameters=/guest/params.yaml", "--ginkgo.v");
        assertThat(files).containsExactly(sanity.toAbsolutePath(), parameters.toAbsolutePath());
    }

    @Test
    void shouldLeaveAProgramOfTheGuestAndPlainArgumentsAlone(@TempDir Path dir) throws Exception {
        Path notAFlag = Files.writeString(dir.resolve("plain"), "x");
        List<Path> files = new ArrayList<>();

        List<String> argv = CsiGuestSession.guestArgv(
                List.of("/opt/only-in-the-guest/csi-sanity", notAFlag.toString(), "--csi.mountdir=/tmp/csi-target"), files);

        assertThat(argv).containsExactly("/opt/only-in-the-guest/csi-sanity", notAFlag.toString(), "--csi.mountdir=/tmp/csi-target");
        assertThat(files).isEmpty();
    }
}
