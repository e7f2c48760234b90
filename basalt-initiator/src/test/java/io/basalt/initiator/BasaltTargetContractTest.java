package io.basalt.initiator;

import io.basalt.initiator.testing.InProcessTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.InetSocketAddress;

/** The initiator contract against Basalt's own target, started in this JVM for each test. */
class BasaltTargetContractTest extends AbstractInitiatorContractTest {
    private InProcessTarget target;

    @BeforeEach
    void startTarget() throws InterruptedException {
        target = new InProcessTarget();
    }

    @AfterEach
    void stopTarget() {
        target.close();
    }

    @Override
    protected InetSocketAddress ioAddress() {
        return target.address();
    }

    @Override
    protected InetSocketAddress discoveryAddress() {
        return target.address();
    }

    @Override
    protected String subsystemNqn() {
        return InProcessTarget.SUBNQN;
    }

    @Override
    protected void dropConnectionsAndRestart() throws InterruptedException {
        target.restart();
    }
}
