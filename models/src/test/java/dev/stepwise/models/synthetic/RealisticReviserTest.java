package dev.stepwise.models.synthetic;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.VerificationTask;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The realistic profile's reviser: an informative critique helps, a vague one is no better than a fresh sample. */
class RealisticReviserTest {

    private static final SyntheticConfig REALISTIC = SyntheticConfig.realisticDefaults();
    private static final RealisticConfig KNOBS = REALISTIC.realistic();
    private static final List<RealisticSite> SITES = RealisticSite.along(REALISTIC, RealisticSite.PROBLEMS);

    private final SyntheticModelBackend backend = new SyntheticModelBackend(REALISTIC);

    private String revise(final RealisticSite site, final String rejected, final String critique, final String stepId) {
        return backend.revise(new RevisionTask("revise", site.problem().text(), site.prior(), rejected, critique, stepId,
                site.prior().size(), 1)).text();
    }

    /** The probability that a fresh sample at the site is right. */
    private static double freshSuccess(final RealisticSite site) {
        return 1.0 - (site.trap() ? KNOBS.trapErrorAt(site.difficulty()) : KNOBS.stepErrorAt(site.difficulty()));
    }

    /**
     * Every wrong step at every site is revised twice: once with the exact critique, which names the expected step,
     * and once with the vague one. The informed reviser heeds the critique with probability 0.95 - 0.3d and otherwise
     * writes a fresh sample; the vague one always writes a fresh sample. Both rates are predicted here, site by site,
     * and the measured ones must match them.
     */
    @Test
    void anInformativeCritiqueFixesTheStepMoreOftenThanAVagueOne() {
        double predictedInformed = 0;
        double predictedVague = 0;
        int informed = 0;
        int vague = 0;
        int revisions = 0;
        for (int i = 0; i < SITES.size(); i++) {
            final RealisticSite site = SITES.get(i);
            for (final String rejected : new String[] {site.plausible(), site.random()}) {
                if (rejected == null) {
                    continue;
                }
                final String stepId = "r-" + i + "-" + rejected.hashCode();
                final String critique = Chains.check(SyntheticTaskSuite.parse(site.problem().text()), site.prior(),
                        rejected).rationale();
                assertThat(critique).startsWith("expected ");
                informed += revise(site, rejected, critique, stepId).equals(site.right()) ? 1 : 0;
                vague += revise(site, rejected, RealisticModel.DOUBTFUL_STEP, stepId).equals(site.right()) ? 1 : 0;
                final double heed = KNOBS.informedRevisionAt(site.difficulty());
                predictedInformed += heed + (1 - heed) * freshSuccess(site);
                predictedVague += freshSuccess(site);
                revisions++;
            }
        }
        assertThat((double) informed / revisions).isCloseTo(predictedInformed / revisions, within(0.02));
        assertThat((double) vague / revisions).isCloseTo(predictedVague / revisions, within(0.02));
        assertThat((double) informed / revisions).isGreaterThan((double) vague / revisions + 0.05);
    }

    /** At a trap of a hard problem, a vague critique leaves the reviser falling for the same plausible value. */
    @Test
    void atATrapAVagueCritiqueOftenGetsTheSamePlausibleValueBackAndAnInformativeOneRarely() {
        int repeatedVague = 0;
        int repeatedInformed = 0;
        int traps = 0;
        for (int i = 0; i < SITES.size(); i++) {
            final RealisticSite site = SITES.get(i);
            if (!site.trap() || site.difficulty() < 0.6) {
                continue;
            }
            traps++;
            final String critique = Chains.check(SyntheticTaskSuite.parse(site.problem().text()), site.prior(),
                    site.plausible()).rationale();
            repeatedVague += revise(site, site.plausible(), RealisticModel.DOUBTFUL_STEP, "t-" + i)
                    .equals(site.plausible()) ? 1 : 0;
            repeatedInformed += revise(site, site.plausible(), critique, "t-" + i).equals(site.plausible()) ? 1 : 0;
        }
        assertThat(traps).isGreaterThan(100);
        // The trap error rate is 0.675 to 0.8 for d in [0.6, 1); heeding the critique cuts that by 0.65 to 0.77.
        assertThat((double) repeatedVague / traps).isBetween(0.6, 0.85);
        assertThat((double) repeatedInformed / traps).isLessThan(0.3);
    }

    /**
     * The loop as the search runs it: the verifier's own rationale is the critique. A sure rejection names the
     * expected step and leads to better revisions than a doubtful one.
     */
    @Test
    void theVerifiersSureRejectionsLeadToBetterRevisionsThanItsDoubtfulOnes() {
        int sure = 0;
        int sureFixed = 0;
        int doubtful = 0;
        int doubtfulFixed = 0;
        for (int i = 0; i < SITES.size(); i++) {
            final RealisticSite site = SITES.get(i);
            if (!site.trap()) {
                continue;
            }
            for (int sample = 0; sample < 4; sample++) {
                final String stepId = "loop-" + i + "-" + sample;
                final Judgement verdict = backend.verify(new VerificationTask("loop", site.problem().text(), site.prior(),
                        stepId, site.plausible()));
                if (verdict.accepted()) {
                    continue;
                }
                final boolean fixed = revise(site, site.plausible(), verdict.rationale(), stepId).equals(site.right());
                if (verdict.rationale().startsWith("expected ")) {
                    sure++;
                    sureFixed += fixed ? 1 : 0;
                } else {
                    doubtful++;
                    doubtfulFixed += fixed ? 1 : 0;
                }
            }
        }
        assertThat(sure).isGreaterThan(30);
        assertThat(doubtful).isGreaterThan(100);
        assertThat((double) sureFixed / sure).isGreaterThan((double) doubtfulFixed / doubtful + 0.3);
    }

    @Test
    void aRetriedRevisionGivesTheSameStep() {
        final RealisticSite site = SITES.stream().filter(RealisticSite::trap).findFirst().orElseThrow();
        final RevisionTask task = new RevisionTask("retry", site.problem().text(), site.prior(), site.plausible(),
                RealisticModel.DOUBTFUL_STEP, "retry/r1", site.prior().size(), 1);
        assertThat(new SyntheticModelBackend(REALISTIC).revise(task)).isEqualTo(backend.revise(task));
    }
}
