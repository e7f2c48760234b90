package io.basalt.server;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Rules the control-plane split put in place, kept by name: the configuration speaks the control
 * plane's host access, not the volume layer's (converted where a volume is exported); and snapshots
 * reach the volume manager only through ManagedVolumes, so the two are not a cycle. And the daemon's
 * restructuring (issue 13): only a VolumeBackend opens a kind of store, so no class switches on
 * "which kind of backend"; only the VolumeExporter builds the exported objects (the volume layer's
 * Volume, the target's Namespace) for a volume; and the volume service, the checks a request passes
 * and the brick agent are the control plane's (io.basalt.control.volume and .agent): the daemon
 * wires them and implements the brick's side.
 */
@AnalyzeClasses(packages = "io.basalt.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerArchitectureTest {

    @ArchTest
    static final ArchRule configurationDoesNotUseTheTarget = noClasses()
            .that().resideInAPackage("io.basalt.server.config..")
            .should().dependOnClassesThat().resideInAPackage("io.basalt.nvmet..");

    /** The API maps requests onto the volume layer; what the engine stores and how the target carries it are not its business. */
    @ArchTest
    static final ArchRule theApiDoesNotUseTheEngineOrTheTarget = noClasses()
            .that().resideInAPackage("io.basalt.server.api..")
            .should().dependOnClassesThat().resideInAnyPackage("io.basalt.engine..", "io.basalt.nvmet..");

    @ArchTest
    static final ArchRule configurationDoesNotUseTheVolumeLayersHostAccess = noClasses()
            .that().resideInAPackage("io.basalt.server.config..")
            .should().dependOnClassesThat().haveFullyQualifiedName("io.basalt.volume.HostAccess");

    @ArchTest
    static final ArchRule snapshotsDoNotDependOnTheVolumeManager = noClasses()
            .that().haveNameMatching("io\\.basalt\\.server\\.volume\\.Snapshots(\\$.*)?")
            .should().dependOnClassesThat().haveFullyQualifiedName("io.basalt.server.volume.VolumeManager");

    @ArchTest
    static final ArchRule onlyTheVolumeBackendsOpenStores = noClasses()
            .that().resideInAPackage("io.basalt.server..")
            .and().doNotImplement("io.basalt.server.volume.VolumeBackend")
            .should().dependOnClassesThat().haveNameMatching(
                    "io\\.basalt\\.engine\\.(file\\.FileBlockStore|ram\\.RamBlockStore)")
            .because("opening, growing and deleting a kind of store belongs to its VolumeBackend");

    @ArchTest
    static final ArchRule onlyTheExporterBuildsTargetObjects = noClasses()
            .that().resideInAPackage("io.basalt.server..")
            .and().doNotHaveFullyQualifiedName("io.basalt.server.volume.VolumeExporter")
            .and().doNotHaveFullyQualifiedName("io.basalt.server.volume.ExportedAccess")
            .should().callConstructorWhere(describe("a constructor of Namespace, Volume or QosLimiter",
                    call -> call.getTargetOwner().getName().matches("io\\.basalt\\."
                            + "(nvmet\\.subsystem\\.Namespace|volume\\.Volume|volume\\.qos\\.QosLimiter)")))
            .orShould().accessClassesThat().haveFullyQualifiedName("io.basalt.server.volume.ExportedAccess")
            .because("a volume becomes an exported Volume and namespace, with its access and QoS, in VolumeExporter"
                    + " only");

    @ArchTest
    static final ArchRule theVolumeServiceAndTheAgentLiveInTheControlPlane = noClasses()
            .that().resideInAPackage("io.basalt.server..")
            .should().haveNameMatching(".*\\.(ClusterVolumes?|VolumeAgent|PlacedVolumes|VolumeRequests|RepeatedCreate"
                    + "|NsidAllocator|VolumeSpec|VolumeMetadata|CreateRequest)")
            .because("validation, idempotent create, the cluster's volume records and the agent's reconcile are "
                    + "basalt-control's; a second copy in the daemon would drift from it");

    @ArchTest
    static final ArchRule onlyLocalBrickCarriesOutTheAgentsChanges = noClasses()
            .that().resideInAPackage("io.basalt.server..")
            .and().doNotHaveFullyQualifiedName("io.basalt.server.cluster.LocalBrick")
            .should().implement("io.basalt.control.agent.LocalVolumes")
            .orShould().implement("io.basalt.control.agent.BrickDuties")
            .because("the brick's side of the agent is one adapter over the volume manager");
}
