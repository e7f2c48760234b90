package io.basalt.nvmet.admin;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.core.CommandSet;
import io.basalt.nvmet.core.Request;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * Admin commands of an I/O controller: Identify, Get Log Page, Get/Set Features, Asynchronous
 * Event Request, Keep Alive and Abort. Anything else is Invalid Opcode with DNR.
 */
public final class AdminCommands implements CommandSet {
    static final int CNS_NAMESPACE = 0x00;
    static final int CNS_CONTROLLER = 0x01;
    static final int CNS_ACTIVE_NS_LIST = 0x02;
    static final int CNS_NS_DESCRIPTORS = 0x03;
    static final int CNS_CSI_NAMESPACE = 0x05;
    static final int CNS_CSI_CONTROLLER = 0x06;
    static final int CNS_CSI_ACTIVE_NS_LIST = 0x07;
    static final int CNS_CSI_INDEPENDENT_NAMESPACE = 0x08;
    static final int CSI_NVM = 0;
    static final int NSID_BROADCAST = 0xFFFFFFFF;
    /** Most admin data a host may send in one command (Set Features data). */
    static final int MAX_ADMIN_WRITE = 8192;

    @Override
    public int prepare(Request req) {
        return switch (req.opcode()) {
            case Opcodes.ADMIN_IDENTIFY, Opcodes.ADMIN_GET_LOG_PAGE, Opcodes.ADMIN_GET_FEATURES,
                 Opcodes.ADMIN_ASYNC_EVENT_REQUEST, Opcodes.ADMIN_KEEP_ALIVE, Opcodes.ADMIN_ABORT -> Status.SUCCESS;
            case Opcodes.ADMIN_SET_FEATURES -> req.sglLength() > MAX_ADMIN_WRITE
                    ? Status.SGL_INVALID_DATA_LENGTH | Status.DNR : Status.SUCCESS;
            default -> Status.INVALID_OPCODE | Status.DNR;
        };
    }

    @Override
    public int execute(Request req) {
        return switch (req.opcode()) {
            case Opcodes.ADMIN_IDENTIFY -> identify(req);
            case Opcodes.ADMIN_GET_LOG_PAGE -> getLogPage(req);
            case Opcodes.ADMIN_SET_FEATURES -> Features.set(req);
            case Opcodes.ADMIN_GET_FEATURES -> Features.get(req);
            case Opcodes.ADMIN_ASYNC_EVENT_REQUEST -> asyncEventRequest(req);
            case Opcodes.ADMIN_KEEP_ALIVE -> Status.SUCCESS;
            case Opcodes.ADMIN_ABORT -> {
                // We never abort: result bit 0 set means "command not aborted".
                req.setResult(1);
                yield Status.SUCCESS;
            }
            default -> Status.INVALID_OPCODE | Status.DNR;
        };
    }

    /** Holds the request until an event occurs; at most AERL+1 at once. */
    static int asyncEventRequest(Request req) {
        Controller c = req.queue().controller();
        if (!c.addAer(req, IdentifyController.AERL + 1)) {
            return Status.ASYNC_LIMIT_EXCEEDED | Status.DNR;
        }
        return Request.PENDING;
    }

    private int identify(Request req) {
        Controller c = req.queue().controller();
        int cns = req.cdw(10) & 0xFF;
        int nsid = req.nsid();
        if (req.sglLength() < 4096) {
            return Status.SGL_INVALID_DATA_LENGTH | Status.DNR;
        }
        switch (cns) {
            case CNS_CONTROLLER -> IdentifyController.fill(zeroed(req), c, req.queue().config());
            case CNS_NAMESPACE -> {
                if (nsid == 0 || (nsid != NSID_BROADCAST && Integer.compareUnsigned(nsid,
                        c.subsystem().maxNamespaces()) > 0)) {
                    return Status.INVALID_NAMESPACE | Status.DNR;
                }
                ByteBuf b = zeroed(req);
                Namespace ns = c.namespace(nsid);
                // An allocated-but-hidden or absent NSID reads as all zeros: an inactive namespace.
                if (ns != null) {
                    IdentifyNamespace.fill(b, ns, c.subsystem().anaGroupId(ns));
                }
            }
            case CNS_ACTIVE_NS_LIST, CNS_CSI_ACTIVE_NS_LIST -> {
                if (cns == CNS_CSI_ACTIVE_NS_LIST && csi(req) != CSI_NVM) {
                    return Status.INVALID_FIELD | Status.DNR;
                }
                if (nsid == NSID_BROADCAST || nsid == 0xFFFFFFFE) {
                    return Status.INVALID_NAMESPACE | Status.DNR;
                }
                ByteBuf b = zeroed(req);
                List<Namespace> visible = c.subsystem().visibleNamespaces(c.hostNqn());
                int i = 0;
                for (Namespace ns : visible) {
                    if (Integer.compareUnsigned(ns.nsid(), nsid) > 0 && i < 1024) {
                        b.setIntLE(4 * i++, ns.nsid());
                    }
                }
            }
            case CNS_CSI_NAMESPACE -> {
                if (csi(req) != CSI_NVM) {
                    return Status.INVALID_FIELD | Status.DNR;
                }
                if (c.namespace(nsid) == null) {
                    return Status.INVALID_NAMESPACE | Status.DNR;
                }
                // NVM command set specific fields (protection, extended LBA formats): none used.
                zeroed(req);
            }
            case CNS_CSI_INDEPENDENT_NAMESPACE -> {
                Namespace ns = c.namespace(nsid);
                if (ns == null) {
                    return Status.INVALID_NAMESPACE | Status.DNR;
                }
                IdentifyNamespace.fillIndependent(zeroed(req), ns, c.subsystem().anaGroupId(ns));
            }
            case CNS_NS_DESCRIPTORS -> {
                Namespace ns = c.namespace(nsid);
                if (ns == null) {
                    return Status.INVALID_NAMESPACE | Status.DNR;
                }
                IdentifyNamespace.fillDescriptors(zeroed(req), ns);
            }
            case CNS_CSI_CONTROLLER -> {
                if (csi(req) != CSI_NVM) {
                    return Status.INVALID_FIELD | Status.DNR;
                }
                // All zero: no extra limits on Verify, Write Zeroes, Write Uncorrectable or DSM.
                zeroed(req);
            }
            default -> {
                return Status.INVALID_FIELD | Status.DNR;
            }
        }
        return Status.SUCCESS;
    }

    /** The command set identifier of a CSI-specific Identify (CDW11 bits 31:24). */
    private static int csi(Request req) {
        return req.cdw(11) >>> 24;
    }

    private static ByteBuf zeroed(Request req) {
        ByteBuf b = req.allocateData(4096);
        b.writeZero(4096);
        return b;
    }

    private int getLogPage(Request req) {
        Controller c = req.queue().controller();
        LogPageRequest lp = LogPageRequest.parse(req);
        int valid = lp.validate(req, req.queue().config().maxTransferSize());
        if (valid != Status.SUCCESS) {
            return valid;
        }
        ByteBuf page = switch (lp.lid()) {
            case LogPages.LID_ERROR -> LogPages.errorLog();
            case LogPages.LID_SMART -> LogPages.smart(c);
            case LogPages.LID_FW_SLOT -> LogPages.firmwareSlot(c);
            case LogPages.LID_CHANGED_NS -> LogPages.changedNamespaces(c, lp.rae());
            case LogPages.LID_EFFECTS -> LogPages.commandEffects();
            case LogPages.LID_ANA -> {
                c.anaLogRead(lp.rae());
                yield LogPages.ana(c, lp.lsp());
            }
            default -> null;
        };
        if (page == null) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        return lp.respond(req, page);
    }
}
