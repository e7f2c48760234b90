package io.basalt.server;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Rules the control-plane split put in place, kept by name: the configuration speaks the control
 * plane's host access, not the target's (converted where a volume is exported); and snapshots reach
 * the volume manager only through ManagedVolumes, so the two are not a cycle.
 */
@AnalyzeClasses(packages = "io.basalt.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerArchitectureTest {

    @ArchTest
    static final ArchRule configurationDoesNotUseTheTargetsHostAccess = noClasses()
            .that().resideInAPackage("io.basalt.server.config..")
            .should().dependOnClassesThat().haveFullyQualifiedName("io.basalt.nvmet.subsystem.HostAccess");

    @ArchTest
    static final ArchRule snapshotsDoNotDependOnTheVolumeManager = noClasses()
            .that().haveNameMatching("io\\.basalt\\.server\\.volume\\.Snapshots(\\$.*)?")
            .should().dependOnClassesThat().haveFullyQualifiedName("io.basalt.server.volume.VolumeManager");
}
