package io.basalt.nvmet.discovery;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvme.discovery.Discovery;
import io.basalt.nvmet.admin.AdminCommands;
import io.basalt.nvmet.admin.IdentifyController;
import io.basalt.nvmet.admin.LogPageRequest;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.core.CommandSet;
import io.basalt.nvmet.core.Request;
import io.netty.buffer.ByteBuf;

/**
 * Admin commands of a discovery controller: Identify Controller, the discovery log page, Keep
 * Alive, Asynchronous Event Request and the features a discovery host sets (KATO, AEC).
 */
public final class DiscoveryCommands implements CommandSet {
    private final AdminCommands admin = new AdminCommands();

    @Override
    public int prepare(Request req) {
        return switch (req.opcode()) {
            case Opcodes.ADMIN_IDENTIFY, Opcodes.ADMIN_GET_LOG_PAGE, Opcodes.ADMIN_KEEP_ALIVE,
                 Opcodes.ADMIN_ASYNC_EVENT_REQUEST, Opcodes.ADMIN_SET_FEATURES, Opcodes.ADMIN_GET_FEATURES ->
                    Status.SUCCESS;
            default -> Status.INVALID_OPCODE | Status.DNR;
        };
    }

    @Override
    public int execute(Request req) {
        Controller c = req.queue().controller();
        return switch (req.opcode()) {
            case Opcodes.ADMIN_IDENTIFY -> {
                if ((req.cdw(10) & 0xFF) != 0x01 || req.sglLength() < IdentifyController.LENGTH) {
                    yield Status.INVALID_FIELD | Status.DNR;
                }
                ByteBuf b = req.allocateData(IdentifyController.LENGTH);
                b.writeZero(IdentifyController.LENGTH);
                IdentifyController.fill(b, c, req.queue().config());
                yield Status.SUCCESS;
            }
            case Opcodes.ADMIN_GET_LOG_PAGE -> discoveryLog(req, c);
            case Opcodes.ADMIN_SET_FEATURES, Opcodes.ADMIN_GET_FEATURES, Opcodes.ADMIN_KEEP_ALIVE,
                 Opcodes.ADMIN_ASYNC_EVENT_REQUEST -> admin.execute(req);
            default -> Status.INVALID_OPCODE | Status.DNR;
        };
    }

    private int discoveryLog(Request req, Controller c) {
        LogPageRequest lp = LogPageRequest.parse(req);
        if (lp.lid() != Discovery.LOG_PAGE_ID) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        int valid = lp.validate(req, req.queue().config().maxTransferSize());
        if (valid != Status.SUCCESS) {
            return valid;
        }
        c.discoveryLogRead(lp.rae());
        return lp.respond(req, DiscoveryLogPage.build(c, req.queue()));
    }
}
