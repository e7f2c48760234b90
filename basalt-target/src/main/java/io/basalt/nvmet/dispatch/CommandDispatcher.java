package io.basalt.nvmet.dispatch;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.basalt.nvme.Status;
import io.basalt.nvmet.admin.AdminCommands;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.controller.Queue;
import io.basalt.nvmet.core.CommandSet;
import io.basalt.nvmet.core.Commands;
import io.basalt.nvmet.core.Request;
import io.basalt.nvmet.discovery.DiscoveryCommands;
import io.basalt.nvmet.fabrics.FabricsCommands;
import io.basalt.nvmet.io.IoCommands;

/**
 * Routes a command to the command set that handles it, given the queue it arrived on: fabrics
 * commands anywhere, admin commands on queue 0 (I/O or discovery controller), NVM commands on I/O
 * queues. The chosen set validates the command and is bound to the request, which then runs
 * without being routed again. This is the one package that knows every command set.
 */
public final class CommandDispatcher implements Commands {
    private final FabricsCommands fabrics = new FabricsCommands();
    private final AdminCommands admin = new AdminCommands();
    private final DiscoveryCommands discovery = new DiscoveryCommands();
    private final IoCommands io = new IoCommands();

    @Override
    public int prepare(Request req) {
        Queue q = req.queue();
        int flags = Sqe.flags(req.sqe(), 0);
        // Fused operations (Compare and Write) are not supported: refusing the halves keeps a
        // conditional write from running unconditionally.
        if ((flags & Sqe.FUSE_MASK) != 0) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        // Over fabrics PSDT must be 01b: SGLs, with MPTR a single contiguous buffer.
        if ((flags & Sqe.PSDT_MASK) != Sqe.PSDT_SGL_METABUF) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        if (q.connected()) {
            q.controller().touch();
        }
        if (req.opcode() == Opcodes.FABRICS) {
            return bind(req, fabrics);
        }
        if (!q.connected()) {
            return Status.COMMAND_SEQUENCE_ERROR | Status.DNR;
        }
        Controller c = q.controller();
        if (q.isAdmin()) {
            int ready = c.requireReady();
            if (ready != Status.SUCCESS) {
                return ready;
            }
            return bind(req, c.isDiscovery() ? discovery : admin);
        }
        return bind(req, io);
    }

    private static int bind(Request req, CommandSet set) {
        int status = set.prepare(req);
        if (status == Status.SUCCESS) {
            req.bind(set);
        }
        return status;
    }
}
