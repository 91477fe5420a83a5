package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryServerTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearProperties() {
        System.clearProperty(ApicurioRegistryServer.HOME_PROPERTY);
        System.clearProperty(ApicurioRegistryServer.JAVA_PROPERTY);
    }

    @Test
    void commandBindsBothInterfacesToLoopbackAndSetsBackwardCompatibility() {
        final List<String> command = ApicurioRegistryServer.registryCommand(dir, 18081, 19001, null);

        assertThat(command).contains("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=18081",
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=19001",
                "-Dapicurio.rules.global.compatibility=BACKWARD", "-Xmx128m");
        assertThat(command.subList(command.size() - 2, command.size()))
                .containsExactly("-jar", dir.resolve("quarkus-run.jar").toString());
    }

    @Test
    void withoutADataDirTheDatabaseStaysInMemory() {
        assertThat(ApicurioRegistryServer.registryCommand(dir, 1, 2, null))
                .noneMatch(arg -> arg.startsWith("-Dapicurio.datasource.url"));
    }

    @Test
    void withADataDirTheDatabaseIsAnH2FileInIt() {
        assertThat(ApicurioRegistryServer.registryCommand(dir, 1, 2, dir.resolve("h2")))
                .contains("-Dapicurio.datasource.url=jdbc:h2:file:" + dir.resolve("h2").toAbsolutePath().resolve("registry"));
    }

    @Test
    void theJavaPropertyMayNameAJdkHome() throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        System.setProperty(ApicurioRegistryServer.JAVA_PROPERTY, dir.toString());

        assertThat(ApicurioRegistryServer.javaExecutable()).isEqualTo(dir.resolve("bin").resolve("java"));
    }

    @Test
    void withoutTheJavaPropertyThisJvmRunsTheRegistry() {
        assertThat(ApicurioRegistryServer.javaExecutable())
                .isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    @Test
    void theHomePropertyWinsOverTheSearch() throws Exception {
        Files.createFile(dir.resolve("quarkus-run.jar"));
        System.setProperty(ApicurioRegistryServer.HOME_PROPERTY, dir.toString());

        assertThat(ApicurioRegistryServer.locateDistribution()).isEqualTo(dir.toAbsolutePath());
    }

    @Test
    void aHomeWithoutTheRunnerIsRefusedWithWhatToDo() {
        System.setProperty(ApicurioRegistryServer.HOME_PROPERTY, dir.toString());

        assertThatThrownBy(ApicurioRegistryServer::locateDistribution)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No quarkus-run.jar in " + dir.toAbsolutePath())
                .hasMessageContaining(ApicurioRegistryServer.HOME_PROPERTY);
    }

    @Test
    void theSearchFindsTheDistributionThisModuleUnpacks() {
        // Tests run in the infra module directory, below the checkout root that holds infra/target/apicurio-registry.
        assertThat(ApicurioRegistryServer.locateDistribution().resolve("quarkus-run.jar")).isRegularFile();
    }
}
