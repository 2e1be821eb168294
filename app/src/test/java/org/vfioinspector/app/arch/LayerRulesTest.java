package org.vfioinspector.app.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the architecture promises, as rules over the compiled main classes of native-bridge and app (string
 * literals are not visible to ArchUnit: "only HostPaths names /sys and /dev" stays a source rule in
 * {@link SourceGuardTest}).
 */
class LayerRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                // native-bridge arrives as target/classes or, in the reactor's verify, as its jar: both count
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.vfioinspector.bridge", "org.vfioinspector.app");
    }

    @Test
    void bridgeHasNoJavafx() {
        noClasses().that().resideInAPackage("org.vfioinspector.bridge..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.kordamp..")
                .because("native-bridge is the GUI-free half: the CLI and the harness run it without JavaFX")
                .check(classes);
    }

    @Test
    void bridgeNeverReachesUpIntoTheApp() {
        noClasses().that().resideInAPackage("org.vfioinspector.bridge..")
                .should().dependOnClassesThat().resideInAPackage("org.vfioinspector.app..")
                .check(classes);
    }

    @Test
    void appReachesTheLabOnlyThroughItsScenarioFormat() {
        // The lab kernel sits below bridge.kernel.Kernel like the real one: the app talks to that interface,
        // never to LabKernel or the lab's sysfs writer. Loading a scenario file (and its errors) is the one
        // lab API the app needs, to open a lab host.
        noClasses().that().resideInAPackage("org.vfioinspector.app..")
                .should().dependOnClassesThat().resideInAPackage("org.vfioinspector.bridge.lab")
                .because("the app is the same code for the lab and the real kernel")
                .check(classes);
    }

    @Test
    void bridgePackagesHaveNoCycles() {
        slices().matching("org.vfioinspector.bridge.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void appFeaturePackagesHaveNoCycles() {
        slices().matching("org.vfioinspector.app.(**)").should().beFreeOfCycles().check(classes);
    }
}
