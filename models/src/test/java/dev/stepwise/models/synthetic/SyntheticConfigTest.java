package dev.stepwise.models.synthetic;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticConfigTest {

    @Test
    void theDefaultAndTheFiveArgumentConfigAreTheUniformProfile() {
        assertThat(SyntheticConfig.defaults().profile()).isEqualTo(Profile.UNIFORM);
        assertThat(new SyntheticConfig(7L, 0.2, 0.1, 0.05, 0.3)).isEqualTo(new SyntheticConfig(7L, 0.2, 0.1, 0.05, 0.3,
                Profile.UNIFORM, RealisticConfig.defaults()));
    }

    @Test
    void realisticDefaultsDifferFromTheDefaultsOnlyInTheProfile() {
        assertThat(SyntheticConfig.realisticDefaults()).isEqualTo(new SyntheticConfig(42L, 0.1, 0.0, 0.0, 0.1,
                Profile.REALISTIC, new RealisticConfig(0.15, 0.4, 0.3, 0.8, 0.95)));
        assertThat(RealisticConfig.defaults()).isEqualTo(new RealisticConfig(RealisticConfig.DEFAULT_VERIFIER_NOISE,
                RealisticConfig.DEFAULT_STEP_ERROR_SCALE, RealisticConfig.DEFAULT_TRAP_RATE,
                RealisticConfig.DEFAULT_TRAP_ERROR_RATE, RealisticConfig.DEFAULT_INFORMED_REVISION_RATE));
    }

    @Test
    void withersChangeOneKnobAndKeepTheRest() {
        final SyntheticConfig config = SyntheticConfig.realisticDefaults().withSeed(9L).withStepErrorRate(0.2)
                .withRealistic(RealisticConfig.defaults().withVerifierNoise(0.0).withStepErrorScale(0.5).withTrapRate(0.1)
                        .withTrapErrorRate(0.9).withInformedRevisionRate(0.7));
        assertThat(config).isEqualTo(new SyntheticConfig(9L, 0.2, 0.0, 0.0, 0.1, Profile.REALISTIC,
                new RealisticConfig(0.0, 0.5, 0.1, 0.9, 0.7)));
        assertThat(config.withProfile(Profile.UNIFORM).withVerifierNoise(0.1, 0.2).withReviserErrorRate(0.3))
                .isEqualTo(new SyntheticConfig(9L, 0.2, 0.1, 0.2, 0.3, Profile.UNIFORM, config.realistic()));
    }

    @Test
    void realisticKnobsOutsideZeroToOneAreRejectedByName() {
        final RealisticConfig knobs = RealisticConfig.defaults();
        assertThatThrownBy(() -> knobs.withVerifierNoise(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("verifierNoise");
        assertThatThrownBy(() -> knobs.withStepErrorScale(1.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stepErrorScale");
        assertThatThrownBy(() -> knobs.withTrapRate(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trapRate");
        assertThatThrownBy(() -> knobs.withTrapErrorRate(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trapErrorRate");
        assertThatThrownBy(() -> knobs.withInformedRevisionRate(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("informedRevisionRate");
        assertThatThrownBy(() -> SyntheticConfig.defaults().withProfile(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void profilesAreReadByIdIgnoringCase() {
        assertThat(Profile.fromId(" Realistic ")).isEqualTo(Profile.REALISTIC);
        assertThat(Profile.fromId("uniform")).isEqualTo(Profile.UNIFORM);
        assertThatThrownBy(() -> Profile.fromId("hard")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uniform, realistic");
    }
}
