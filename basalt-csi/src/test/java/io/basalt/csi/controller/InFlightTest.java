package io.basalt.csi.controller;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InFlightTest {
    @Test
    void shouldAbortASecondOperationOnTheSameVolumeUntilTheFirstEnds() {
        InFlight inFlight = new InFlight();
        try (InFlight.Handle _ = inFlight.begin("db")) {
            assertThatThrownBy(() -> inFlight.begin("db")).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
            inFlight.begin("other").close();
        }
        inFlight.begin("db").close();
    }
}
